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
}

/** The options after {@link resolveChannelsOptions}: every value present and checked. */
export interface ResolvedChannelsOptions {
  readonly codec: Codec;
  readonly maxMessageSize: number;
  readonly requestTimeout: number;
  readonly clock: Clock;
  readonly logger: Logger | undefined;
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
