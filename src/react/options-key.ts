/**
 * The options part of a shared socket's identity: JSON of the options' plain data (strings,
 * numbers, booleans, arrays, plain objects), with object keys sorted, so `{ a, b }` and
 * `{ b, a }` written inline in two components name the same socket. Functions and class
 * instances (`WebSocket`, `clock`, `logger`, `shouldReconnect`, `lifecycleEvents`…) cannot be
 * compared and are left out: the component that makes the socket decides them.
 */
export function optionsKey(options: object | undefined): string {
  return JSON.stringify(options ?? {}, (_, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}
