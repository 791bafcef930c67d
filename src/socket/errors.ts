/**
 * Stable error codes carried by {@link SteadySocketError}. Match on these, never on messages.
 */
export type SteadySocketErrorCode =
  /** The handshake did not complete within `connectTimeout`. */
  | 'CONNECT_TIMEOUT'
  /** The native constructor threw (for example an invalid URL returned by a provider). */
  | 'CONNECT_FAILED'
  /** The native socket reported an `error` event. */
  | 'CONNECTION_ERROR'
  /** The `url` or `protocols` provider threw, rejected or returned something unusable. */
  | 'URL_PROVIDER_FAILED'
  /** No pong within the heartbeat timeout: the connection was declared dead. */
  | 'HEARTBEAT_TIMEOUT'
  /** `probe()` needs the `heartbeat` option (it says what a ping is). */
  | 'HEARTBEAT_DISABLED'
  /** `probe()` was called while no connection was open. */
  | 'NOT_OPEN'
  /** The outbound queue was full and the message was rejected or evicted. */
  | 'QUEUE_OVERFLOW'
  /** A request got no reply in time. */
  | 'REQUEST_TIMEOUT'
  /** A request's `signal` was aborted. */
  | 'REQUEST_ABORTED'
  /** The server answered a request with an error (its payload is the `cause`). */
  | 'REQUEST_FAILED'
  /** A request was written but the connection was lost before its reply. */
  | 'CONNECTION_LOST'
  /** `maxRetries` retries failed; the socket gave up. */
  | 'RETRIES_EXHAUSTED'
  /** `shouldReconnect` returned `false`; the socket gave up. */
  | 'RECONNECT_DECLINED'
  /** `shouldReconnect` threw; the default close-code policy was used instead. */
  | 'RECONNECT_POLICY_FAILED'
  /** An inbound message could not be decoded or validated. */
  | 'INVALID_MESSAGE'
  /** Close 1002: the server saw a protocol error; retrying will not help. */
  | 'PROTOCOL_ERROR'
  /** Close 1003: the server cannot accept this data type. */
  | 'UNSUPPORTED_DATA'
  /** Close 1007: a message was not consistent with its type (e.g. bad UTF-8). */
  | 'INVALID_PAYLOAD'
  /** Close 1008: the server refused by policy (often authentication). */
  | 'POLICY_VIOLATION'
  /** Close 1009: a message was too big for the server. */
  | 'MESSAGE_TOO_BIG'
  /** Close 1010: the server lacks an extension the client requires. */
  | 'MANDATORY_EXTENSION'
  /** `close()` was answered by no closing handshake within `closeTimeout`. */
  | 'CLOSE_TIMEOUT'
  /** `resume` was asked for, but the server does not speak the session protocol: the socket works plain. */
  | 'RESUME_UNSUPPORTED'
  /** The server sent a frame the session protocol does not allow; the connection was dropped. */
  | 'SESSION_PROTOCOL_ERROR';

/**
 * The one error class of steadysocket: every error event and rejection carries one.
 *
 * @example
 * ws.addEventListener('error', (e) => {
 *   if (e.error.code === 'CONNECT_TIMEOUT') showSlowNetworkHint();
 * });
 */
export class SteadySocketError extends Error {
  /** Always `'SteadySocketError'`. */
  override readonly name = 'SteadySocketError';
  /** Stable, machine-readable reason. */
  readonly code: SteadySocketErrorCode;

  constructor(code: SteadySocketErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.code = code;
    // Set by hand: `super(message, options)` is ES2022 and React Native's Hermes lacks it.
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * The message of every error a bad argument or option throws (`TypeError`, `RangeError`, a
 * `DOMException`): it names what was wrong, says what it must be and what was given. One
 * builder keeps the messages alike and the bundle small.
 */
export const mustBe = (name: string, what: string, given: unknown): string => {
  const type = typeof given;
  let kind: unknown;
  // What was given as a message shows it: text quoted, objects by their class, never their
  // contents (nor a function's source).
  return `SteadySocket: ${name} must be ${what}, got ${
    type === 'string'
      ? `'${given}'`
      : type === 'function' || type === 'symbol'
        ? type
        : type === 'object' && given
          ? typeof (kind = (given as { constructor?: { name?: unknown } }).constructor?.name) === 'string'
            ? `an instance of ${kind}`
            : 'an object'
          : String(given)
  }`;
}
