import { utf8Length } from './data';
import { mustBe } from './errors';

/**
 * The checks the native `close(code, reason)` makes (WHATWG WebSockets §close), with the
 * same error names: `InvalidAccessError` for a bad code, `SyntaxError` for a long reason.
 */
export const validateClose = (code: unknown, reason: unknown): { code?: number; reason?: string } => {
  let n: number | undefined;
  let bytes: number;
  if (code !== undefined) {
    // WebIDL `[Clamp] unsigned short`: NaN becomes 0, then rounded to the nearest integer,
    // halves to the even one (3000.5 → 3000, 3001.5 → 3002), as natively. (The clamp to
    // 0–65535 itself is left out: it turns no invalid code into a valid one.)
    const given = Number(code) || 0;
    n = Math.round(given);
    if (n - given === 0.5 && n % 2) n--;
    if (n !== 1000 && (n < 3000 || n > 4999)) throw domException(mustBe('close code', '1000, or 3000 to 4999', code), 'InvalidAccessError');
  }
  if (reason !== undefined && (bytes = utf8Length((reason = String(reason)) as string)) > 123) {
    throw domException(mustBe('close reason', 'at most 123 UTF-8 bytes', bytes), 'SyntaxError');
  }
  return { code: n, reason: reason as string | undefined };
}

/** A `DOMException` where the runtime has one (not React Native), else an Error with that name. */
export const domException = (message: string, name: string): Error =>
  typeof DOMException === 'function' ? new DOMException(message, name) : Object.assign(new Error(message), { name });
