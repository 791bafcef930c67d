/** Something that emits the page's lifecycle events: `window` in a browser. */
export interface LifecycleTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** What the page or app can tell us about connectivity. */
export interface LifecycleHandlers {
  /** The device came back online. */
  online(): void;
}

/**
 * The default lifecycle source: the global object where it can emit events (browsers,
 * Deno), else none (Node, React Native). Looked up at construction, never at import,
 * and never by the name `window`.
 */
export function defaultLifecycleTarget(): LifecycleTarget | null {
  const target = globalThis as Partial<LifecycleTarget>;
  return typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function'
    ? (target as LifecycleTarget)
    : null;
}

/** Listens to `online` on `target`. Returns the function that stops listening. */
export function watchLifecycle(target: LifecycleTarget | null, handlers: LifecycleHandlers): () => void {
  if (!target) return () => {};
  const online = () => handlers.online();
  target.addEventListener('online', online);
  return () => target.removeEventListener('online', online);
}
