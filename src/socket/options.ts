import type { Jitter } from './backoff';
import type { Clock } from './clock';
import type { SteadyCloseInfo } from './events';
import type { HeartbeatOptions, ResolvedHeartbeat } from './heartbeat';
import type { LifecycleTarget } from './lifecycle';
import type { ProtocolsProvider, WebSocketConstructor } from './native';
import type { OverflowPolicy } from './outbound-queue';
import type { ResumeOptions } from './session-link';
import type { SessionWindow } from '../session/protocol';

export type { OverflowPolicy } from './outbound-queue';
export type { ProtocolsProvider, UrlProvider } from './native';

/** Bounds of the outbound queue that holds messages while the socket cannot write them. */
export interface QueueOptions {
  /**
   * Most messages held at once.
   * @default 1000
   */
  maxMessages?: number;
  /**
   * Most bytes held at once (UTF-8 for text).
   * @default 1_048_576 (1 MiB)
   */
  maxBytes?: number;
  /**
   * When full: `'reject'` refuses the new message (`send` returns `false`),
   * `'drop-oldest'` evicts the oldest queued ones to make room. Both report a `drop`.
   * @default 'reject'
   */
  overflow?: OverflowPolicy;
  /**
   * Milliseconds a message may wait before it is dropped as stale (`drop` reason `'expired'`).
   * @default Infinity (never expires)
   */
  maxAge?: number;
  /**
   * While open, messages are written through only while the native `bufferedAmount` is at
   * or below this many bytes; above it they wait in the queue.
   * @default 1_048_576 (1 MiB)
   */
  highWaterMark?: number;
}

/** Options of `new SteadySocket(url, options)`. Every one is optional. */
export interface SteadySocketOptions {
  /** Subprotocols, or a provider called before every attempt. */
  protocols?: ProtocolsProvider;
  /**
   * The WebSocket constructor to use (e.g. `import WebSocket from 'ws'` in Node).
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Third argument of the native constructor where the runtime takes one:
   * `ws` and React Native accept `{ headers }`. Ignored by browsers. With the `ws` package,
   * `maxPayload` (the most bytes one inbound message may have) defaults to 16 MiB instead of
   * `ws`'s 100 MiB; a larger message closes the connection (an `error` event, then a retry).
   * @default `{ maxPayload: 16 MiB }` with `ws`, else nothing
   */
  connectOptions?: object;
  /**
   * Base of the backoff, in ms: the first retry waits up to this long. 1.5 s spreads a crowd
   * of clients that lost one server to under 10 % per 100 ms (`npm run bench`: reconnect storm).
   * @default 1500, or `maxDelay` when that is lower
   */
  minDelay?: number;
  /**
   * Cap of the backoff, in ms (1012/1013 closes may wait longer: 5–30 s).
   * @default 10_000
   */
  maxDelay?: number;
  /**
   * Growth of the backoff cap per retry.
   * @default 2
   */
  factor?: number;
  /**
   * How the delay is randomised; see {@link Jitter}.
   * @default 'full'
   */
  jitter?: Jitter;
  /**
   * Retries after a failed or lost connection before giving up (the first attempt is not a retry).
   * @default Infinity
   */
  maxRetries?: number;
  /**
   * Ms an attempt may take (URL provider plus handshake) before it is abandoned.
   * @default 10_000
   */
  connectTimeout?: number;
  /**
   * Ms a connection must stay open before the backoff starts again from the beginning.
   * @default 5_000
   */
  minUptime?: number;
  /**
   * Ms `close()` waits for the closing handshake before reporting the socket closed anyway.
   * @default 5_000
   */
  closeTimeout?: number;
  /**
   * Overrides the close-code policy: return `false` to stop, `true` to retry with the
   * backoff, or a delay in ms. `attempt` counts retries so far, from 0.
   * @example shouldReconnect: (e) => e.code !== 4001 // our server's "logged out"
   */
  shouldReconnect?: (closeEvent: SteadyCloseInfo, attempt: number) => boolean | number;
  /** Bounds of the outbound queue. */
  queue?: QueueOptions;
  /**
   * Opt-in liveness check with pings carried as ordinary messages; `true` for the defaults.
   * Detects half-open connections that never fire `close`.
   * @example heartbeat: { interval: 20_000, timeout: 5_000, message: '{"type":"ping"}', isPong: (d) => d === '{"type":"pong"}' }
   */
  heartbeat?: HeartbeatOptions | boolean;
  /**
   * Where page lifecycle events (`online`) are listened for; `null` turns that off.
   * @default globalThis where it has `addEventListener` (browsers), else none
   */
  lifecycleEvents?: LifecycleTarget | null;
  /**
   * Source of time for every timer and deadline.
   * @default the system clock
   */
  clock?: Clock;
  /**
   * Source of randomness for jitter, a function returning a number in [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /**
   * Where state changes (`debug`), retries (`info`), drops (`warn`) and errors (`error`) are
   * told, console-shaped (`logger: console` logs everything). Without one, a message dropped
   * or an error with nobody listening to the event that reports it is warned about once per
   * socket on the console, naming that event.
   * @default none
   */
  logger?: Logger;
  /**
   * Makes no connection until `reconnect()` is called; meanwhile `readyState` is 3 (CLOSED)
   * and `send()` queues as while connecting (reconnecting-websocket's and partysocket's name).
   * @default false
   */
  startClosed?: boolean;
  /**
   * Sessions that survive reconnects (API.md §8): with a server that speaks the session
   * protocol (docs/PROTOCOL.md, `steadysocket/server`), every message either side sends
   * arrives exactly once and in order across reconnects. `true`, or the bounds of what is
   * kept until acknowledged. Against a plain server the socket works plain and reports
   * `RESUME_UNSUPPORTED` once.
   * @default false
   * @example resume: { maxMessages: 5000, maxBytes: 4 * 1024 * 1024 }
   */
  resume?: boolean | ResumeOptions;
}

/** A console-shaped sink for what a socket does; each method is optional. */
export interface Logger {
  /** State changes. */
  debug?(message: string): void;
  /** Retries. */
  info?(message: string): void;
  /** Dropped messages. */
  warn?(message: string): void;
  /** Errors (their messages carry no URL query or credentials). */
  error?(message: string): void;
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly jitter: Jitter;
  readonly maxRetries: number;
  readonly connectTimeout: number;
  readonly minUptime: number;
  readonly closeTimeout: number;
  readonly shouldReconnect: SteadySocketOptions['shouldReconnect'];
  readonly queue: Readonly<Required<QueueOptions>>;
  /** `null` when the heartbeat is off. */
  readonly heartbeat: ResolvedHeartbeat | null;
  /** As given: `undefined` means the default target, looked up at each `watch` (never shared). */
  readonly lifecycleEvents: LifecycleTarget | null | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger | undefined;
  /** The session's window; `null` without `resume`. */
  readonly resume: SessionWindow | null;
}

/** The defaults, in one place; the README explains each against other clients. */
export const DEFAULTS = Object.freeze({
  /** Ms. */ minDelay: 1_500,
  /** Ms. */ maxDelay: 10_000,
  /** Growth of the cap per retry. */ factor: 2,
  /** Jitter kind. */ jitter: 'full',
  /** Retries per outage. */ maxRetries: Infinity,
  /** Ms. */ connectTimeout: 10_000,
  /** Ms. */ minUptime: 5_000,
  /** Ms. */ closeTimeout: 5_000,
  /** The outbound queue. */ queue: Object.freeze({
    /** Messages. */ maxMessages: 1_000,
    /** Bytes. */ maxBytes: 1_048_576,
    /** What a full queue does. */ overflow: 'reject',
    /** Ms. */ maxAge: Infinity,
    /** Bytes of native `bufferedAmount`. */ highWaterMark: 1_048_576,
  }),
  /** What `heartbeat: true` means. */ heartbeat: Object.freeze({
    /** Ms. */ interval: 25_000,
    /** Ms. */ timeout: 10_000,
    /** The ping. */ message: 'ping',
    /** Recognises the pong. */ isPong: (data: unknown) => data === 'pong',
  }),
  /** What `resume: true` means. */ resume: Object.freeze({
    /** Unacknowledged messages (bytes bind first unless messages are tiny). */ maxMessages: 65_536,
    /** Unacknowledged bytes (more than a round trip of a fast link carries). */ maxBytes: 4_194_304,
  }),
} as const);
