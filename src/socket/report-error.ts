/**
 * A listener's own bug must surface (as it would in a browser: `reportError`, else an
 * uncaught exception on a fresh stack) without breaking the socket's bookkeeping.
 */
export function reportListenerError(error: unknown): void {
  try {
    // A ReferenceError where there is no reportError (Node before 22, React Native): then the fresh stack.
    reportError(error);
  } catch {
    queueMicrotask(() => {
      throw error;
    });
  }
}
