/**
 * A listener's own bug must surface (as it would in a browser: `reportError`, else an
 * uncaught exception on a fresh stack) without breaking the socket's bookkeeping.
 */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
