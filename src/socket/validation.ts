import { utf8Length } from './data';

/**
 * The checks the native `close(code, reason)` makes (WHATWG WebSockets §close), with the
 * same error names: `InvalidAccessError` for a bad code, `SyntaxError` for a long reason.
 */
export function validateClose(code: unknown, reason: unknown): { code?: number; reason?: string } {
  let n: number | undefined;
  if (code !== undefined) {
    // WebIDL `[Clamp] unsigned short`: NaN becomes 0, the rest is clamped, then rounded to
    // the nearest integer, halves to the even one (3000.5 → 3000, 3001.5 → 3002), as natively.
    const raw = Number(code);
    const clamped = Number.isNaN(raw) ? 0 : Math.min(65535, Math.max(0, raw));
    n = Math.round(clamped);
    if (n - clamped === 0.5 && n % 2 === 1) n--;
    if (n !== 1000 && (n < 3000 || n > 4999)) {
      throw domException(
        `Failed to execute 'close' on 'SteadySocket': The close code must be either 1000, or between 3000 and 4999. ${String(code)} is neither.`,
        'InvalidAccessError',
      );
    }
  }
  const text = reason === undefined ? undefined : String(reason);
  if (text !== undefined && utf8Length(text) > 123) {
    throw domException(
      "Failed to execute 'close' on 'SteadySocket': The close reason must not be greater than 123 UTF-8 bytes.",
      'SyntaxError',
    );
  }
  return { code: n, reason: text };
}

/** A `DOMException` where the runtime has one (not React Native), else an Error with that name. */
export function domException(message: string, name: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}
