/** Something that emits page lifecycle events: `window` in a browser. */
export interface LifecycleTarget {
  /** Listens for `online` and `pageshow`. */
  addEventListener(type: string, listener: () => void): void;
  /** Stops listening (at `close()`). */
  removeEventListener(type: string, listener: () => void): void;
  /** Where `visibilitychange` and `resume` are heard (`window.document`), if anywhere. */
  readonly document?: (Partial<LifecycleTarget> & {
    /** `'visible'` when the page is shown. */
    readonly visibilityState?: string;
  }) | null;
}

/** What the page or app can tell us about connectivity. */
export interface LifecycleHandlers {
  /**
   * The connection may have died unnoticed: the device came back `online`, the tab became
   * visible again, the page was restored (`pageshow`) or unfrozen (`resume`).
   */
  _wake(): void;
}

/**
 * Listens for the moments the connection may have died unnoticed, on `given` and its
 * `document`; `undefined` means the default source: the global object where it can emit
 * events (browsers, Deno), else none (Node, React Native: there, call `probe()` from
 * AppState yourself) — looked up at construction, never at import, and never by the name
 * `window`. Returns the function that stops listening, or `undefined` when there is none.
 */
export function watchLifecycle(given: LifecycleTarget | null | undefined, handlers: LifecycleHandlers): (() => void) | undefined {
  const target = given === undefined ? canListen(globalThis as Partial<LifecycleTarget>) : given;
  if (!target) return undefined;
  const doc = canListen(target.document);
  const wake = () => handlers._wake();
  const onVisibility = () => {
    if (doc?.visibilityState !== 'hidden') handlers._wake();
  };
  const each = (method: 'addEventListener' | 'removeEventListener') => {
    target[method]('online', wake);
    target[method]('pageshow', wake);
    doc?.[method]('visibilitychange', onVisibility);
    doc?.[method]('resume', wake);
  };
  each('addEventListener');
  return () => each('removeEventListener');
}

/** `on` if it can emit events. */
const canListen = <T extends Partial<LifecycleTarget>>(on: T | null | undefined): (T & LifecycleTarget) | undefined =>
  on && typeof on.addEventListener === 'function' && typeof on.removeEventListener === 'function' ? (on as T & LifecycleTarget) : undefined;
