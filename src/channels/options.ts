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
  /** Messages, or characters (`…Bytes`: 4 Mi each). */
  limits: Object.freeze({ iteratorBytes: 4_194_304, validating: 1000, validatingBytes: 4_194_304, pendingRequests: 10_000, pendingRequestBytes: 4_194_304 }),
} as const);

/** Fills in the defaults and checks every value; a bad one is a `TypeError` or `RangeError` naming it. */
export function resolveChannelsOptions(options: ChannelsOptions = {}): ResolvedChannelsOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`channels: options must be an object, got ${String(options)}`);
  // Defaults apply to `undefined` only: a `null` codec or clock is refused below, as it should be.
  const { codec = jsonCodec, clock = systemClock, maxMessageSize = CHANNELS_DEFAULTS.maxMessageSize, requestTimeout = CHANNELS_DEFAULTS.requestTimeout } = options;
  hasFunctions('codec', codec, ['encode', 'decode']);
  hasFunctions('clock', clock, ['now', 'setTimeout', 'clearTimeout']);
  isNumber('maxMessageSize', maxMessageSize, 0, 'an integer, 0 or more, or Infinity', true);
  // More than 0 (5e-324 is the least number above it): a default timeout of 0 would fail every request.
  isNumber('requestTimeout', requestTimeout, 5e-324, 'more than 0');
  const limits: Record<string, unknown> = { ...CHANNELS_DEFAULTS.limits, ...options.limits };
  for (const name in limits) isNumber(`limits.${name}`, limits[name], 1, '1 or more');
  // Not frozen: the client copies it into its hooks object at once (readonly in its type).
  return { codec, maxMessageSize, requestTimeout, clock, logger: options.logger, limits: limits as Required<ChannelLimits> };
}

/** An object argument must have these functions (a codec, a clock, a socket): a `TypeError` naming it otherwise. */
export function hasFunctions(name: string, value: unknown, functions: readonly string[], rule = `have the functions ${functions.join(', ')}`): void {
  if (!functions.every((f) => typeof (value as Record<string, unknown> | null)?.[f] === 'function')) throw new TypeError(`channels: ${name} must ${rule}`);
}

/** A number option, `least` or more (and an integer or Infinity where `integer`); `rule` says so in the error. */
export function isNumber(name: string, value: unknown, least: number, rule: string, integer?: boolean): asserts value is number {
  // `value !== value`: NaN, the one number that is not a number here.
  if (typeof value !== 'number' || value !== value) throw new TypeError(`channels: ${name} must be a number, got ${String(value)}`);
  // `% 1` is 0 for an integer and NaN for Infinity: only a fraction is left over.
  if (!(value >= least) || (integer && value % 1 > 0)) throw new RangeError(`channels: ${name} must be ${rule}, got ${value}`);
}
