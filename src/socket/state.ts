/**
 * The connection's lifecycle. `readyState` is derived from it:
 * `connecting` and `reconnecting` are 0 (CONNECTING), `open` 1, `closing` 2, `closed` 3.
 * - `connecting`: an attempt is under way (resolving the URL, or the handshake).
 * - `reconnecting`: waiting out the backoff delay before the next attempt.
 * - `closing`: `close()` was called and the closing handshake is under way.
 * - `closed`: final, after `close()` or giving up.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** The native `readyState` numbers. */
export type ReadyState = 0 | 1 | 2 | 3;

/** The `readyState` of a state (a function, not a table: the facade's getter is in every app's bundle). */
export const readyStateOf = (state: ConnectionState): ReadyState =>
  state === 'open' ? 1 : state === 'closing' ? 2 : state === 'closed' ? 3 : 0;

// Pure: only the tests read it, and a bundler that meets state.ts for readyStateOf drops it.
const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = /* @__PURE__ */ Object.freeze({
  // → connecting: `reconnect()` abandons the attempt under way and starts afresh.
  connecting: ['open', 'reconnecting', 'connecting', 'closed'],
  // → connecting: `reconnect()`; → closed: the connection was lost and retrying is not allowed.
  open: ['reconnecting', 'connecting', 'closing', 'closed'],
  reconnecting: ['connecting', 'closed'],
  closing: ['closed'],
  // → connecting: `reconnect()` after giving up (never after `close()`).
  closed: ['connecting'],
});

/** Whether the lifecycle allows going from `from` to `to`. */
export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}
