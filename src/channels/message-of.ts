/**
 * The text of something thrown or sent as an error: a string itself, else its string
 * `message`, else `otherwise` (by default its `String()`). Never throws: what the network
 * or a validator produced may have getters that do.
 */
export function messageOf(error: unknown, otherwise?: string): string {
  try {
    const message = typeof error === 'string' ? error : (error as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : (otherwise ?? String(error));
  } catch {
    return otherwise ?? 'unknown error';
  }
}
