/**
 * The options of `channels(socket, options)`: their shape, their defaults (in one frozen
 * object) and the check that turns what the caller passed into the resolved values.
 */
import { systemClock, type Clock, type Logger } from '../socket/index';
import { jsonCodec, type Codec } from './codec';

/** Options of `channels(socket, options)`. Every one is optional. */
export interface ChannelsOptions {
  /**
   * Turns channel messages and requests into wire text and back. Replace it for servers
   * that speak another envelope; `typePayloadCodec` speaks `{"type": NAME, "payload": ...}`.
   * @default jsonCodec — `{"channel": NAME, "data": PAYLOAD}`, requests add `"id"`
   */
  codec?: Codec;
  /**
   * Inbound text longer than this many characters is not parsed (reported as `invalid`,
   * reason `'too-large'`); the socket's raw `message` listeners still get it.
   * @default 1_048_576
   */
  maxMessageSize?: number;
  /**
   * Ms a `request()` waits for its reply unless it says otherwise (`Infinity`: forever).
   * @default 10_000
   */
  requestTimeout?: number;
  /**
   * Where request timeouts get their time from. Tests pass a manual clock and advance it
   * instead of sleeping; usually the same one the socket was given.
   * @default the system clock (`Date.now` and the global timers)
   */
  clock?: Clock;
  /**
   * Told (`warn`) of every message turned away as `invalid`; usually the socket's logger.
   * Without one, an invalid message with nothing listening to `invalid` is warned about
   * once per client on the console.
   * @default none
   */
  logger?: Logger;
  /**
   * Bounds of what the client holds, in messages and in characters of wire text, so that
   * neither a slow consumer nor a hostile server can grow memory without end.
   */
  limits?: ChannelLimits;
}

/** Bounds of what a channel client holds; see {@link ChannelsOptions.limits}. */
export interface ChannelLimits {
  /**
   * Characters of messages one async iterator holds for its consumer (with its
   * `bufferSize` in messages); past it the oldest go, each in an `overflow` event.
   * @default 4_194_304 (4 Mi characters)
   */
  iteratorBytes?: number;
  /**
   * Messages per channel waiting on an async validator; past it a message is turned away
   * (`invalid`, reason `'overflow'`), the others keep their order.
   * @default 1000
   */
  validating?: number;
  /**
   * The same in characters.
   * @default 4_194_304
   */
  validatingBytes?: number;
  /**
   * Requests awaiting their replies; past it `request()` rejects with `QUEUE_OVERFLOW`.
   * @default 10_000
   */
  pendingRequests?: number;
  /**
   * The same in characters of the requests' wire text (kept to send again after a reconnect).
   * @default 4_194_304
   */
  pendingRequestBytes?: number;
}

/** The options after {@link resolveChannelsOptions}: every value present and checked. */
export interface ResolvedChannelsOptions {
  readonly codec: Codec;
  readonly maxMessageSize: number;
  readonly requestTimeout: number;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
  readonly limits: Readonly<Required<ChannelLimits>>;
}

/** The defaults, in one place. */
export const CHANNELS_DEFAULTS = Object.freeze({
  /** Characters. */ maxMessageSize: 1_048_576,
  /** Ms. */ requestTimeout: 10_000,
} as const);

/** Fills in the defaults and checks every value; a bad one is a `TypeError` or `RangeError` naming it. */
export function resolveChannelsOptions(options: ChannelsOptions = {}): ResolvedChannelsOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`channels: options must be an object, got ${String(options)}`);
  const codec = options.codec as Partial<Codec> | undefined;
  if (codec !== undefined && (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function')) {
    throw new TypeError('channels: codec must have encode and decode functions');
  }
  const clock = options.clock as Partial<Clock> | undefined;
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function')) {
    throw new TypeError('channels: clock must have now, setTimeout and clearTimeout functions');
  }
  return Object.freeze({
    codec: options.codec ?? jsonCodec,
    maxMessageSize: count('maxMessageSize', options.maxMessageSize, CHANNELS_DEFAULTS.maxMessageSize),
    requestTimeout: duration('requestTimeout', options.requestTimeout, CHANNELS_DEFAULTS.requestTimeout),
    clock: options.clock ?? systemClock,
    logger: options.logger,
    limits: resolveLimits(options.limits),
  });
}

/** A positive number of ms, or Infinity (a default timeout of 0 would fail every request). */
function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`channels: ${name} must be a number, got ${String(value)}`);
  if (!(value > 0)) throw new RangeError(`channels: ${name} is out of range: ${value}`);
  return value;
}

/** A non-negative integer, or Infinity. */
function count(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`channels: ${name} must be a number, got ${String(value)}`);
  if (!(Number.isInteger(value) || value === Infinity) || value < 0) {
    throw new RangeError(`channels: ${name} must be a non-negative integer or Infinity, got ${String(value)}`);
  }
  return value;
}

const MI = 4 * 1024 * 1024;

function resolveLimits(given: ChannelLimits = {}): Readonly<Required<ChannelLimits>> {
  const limits = { iteratorBytes: MI, validating: 1000, validatingBytes: MI, pendingRequests: 10_000, pendingRequestBytes: MI, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value >= 1)) throw new RangeError(`channels: limits.${name} must be a number, 1 or more, got ${String(value)}`);
  }
  return Object.freeze(limits);
}
