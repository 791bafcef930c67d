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
 * The default lifecycle source: the global object where it can emit events (browsers,
 * Deno), else none (Node, React Native: there, call `probe()` from AppState yourself).
 * Looked up at construction, never at import, and never by the name `window`.
 */
export function defaultLifecycleTarget(): LifecycleTarget | null {
  const target = globalThis as Partial<LifecycleTarget>;
  return typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function'
    ? (target as LifecycleTarget)
    : null;
}

/** Listens on `target` (and its `document`). Returns the function that stops listening. */
const noop = () => {};

export function watchLifecycle(target: LifecycleTarget | null, handlers: LifecycleHandlers): () => void {
  if (!target) return noop;
  const doc = target.document;
  const wake = () => handlers._wake();
  const onVisibility = () => {
    if (doc?.visibilityState !== 'hidden') handlers._wake();
  };
  const subscriptions: [Partial<LifecycleTarget>, string, () => void][] = [
    [target, 'online', wake],
    [target, 'pageshow', wake],
  ];
  if (doc && typeof doc.addEventListener === 'function' && typeof doc.removeEventListener === 'function') {
    subscriptions.push([doc, 'visibilitychange', onVisibility], [doc, 'resume', wake]);
  }
  for (const [on, type, fn] of subscriptions) on.addEventListener!(type, fn);
  return () => {
    for (const [on, type, fn] of subscriptions) on.removeEventListener!(type, fn);
  };
}
