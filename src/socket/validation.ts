import { utf8Length } from './data';
import { mustBe } from './errors';

/**
 * The checks the native `close(code, reason)` makes (WHATWG WebSockets §close), with the
 * same error names: `InvalidAccessError` for a bad code, `SyntaxError` for a long reason.
 */
export function validateClose(code: unknown, reason: unknown): { code?: number; reason?: string } {
  let n: number | undefined;
  if (code !== undefined) {
    // WebIDL `[Clamp] unsigned short`: NaN becomes 0, the rest is clamped, then rounded to
    // the nearest integer, halves to the even one (3000.5 → 3000, 3001.5 → 3002), as natively.
    const clamped = Math.min(65535, Math.max(0, Number(code) || 0));
    n = Math.round(clamped);
    if (n - clamped === 0.5 && n % 2) n--;
    if (n !== 1000 && (n < 3000 || n > 4999)) throw domException(mustBe('close code', '1000, or 3000 to 4999', code), 'InvalidAccessError');
  }
  const text = reason === undefined ? undefined : String(reason);
  const bytes = text === undefined ? 0 : utf8Length(text);
  if (bytes > 123) throw domException(mustBe('close reason', 'at most 123 UTF-8 bytes', bytes), 'SyntaxError');
  return { code: n, reason: text };
}

/** A `DOMException` where the runtime has one (not React Native), else an Error with that name. */
export function domException(message: string, name: string): Error {
  return typeof DOMException === 'function' ? new DOMException(message, name) : Object.assign(new Error(message), { name });
}
