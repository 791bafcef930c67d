/**
 * Turns what the caller passed into the resolved options: sorts the constructor's
 * arguments, fills in the defaults and checks every value (a bad one is a `TypeError` or
 * `RangeError` naming it). The shapes and the defaults themselves are in options.ts.
 */
import type { Jitter } from './backoff';
import { systemClock } from './clock';
import type { HeartbeatOptions, ResolvedHeartbeat } from './heartbeat';
import { defaultLifecycleTarget } from './lifecycle';
import { DEFAULTS, type OverflowPolicy, type ProtocolsProvider, type ResolvedOptions, type SteadySocketOptions } from './options';

const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated', 'none'];
const OVERFLOWS: readonly OverflowPolicy[] = ['reject', 'drop-oldest'];

/**
 * Sorts the constructor's second and third arguments: a string or array in second place
 * is `protocols`, a plain object is the options (whose own `protocols` then applies).
 */
export function splitArguments(
  protocolsOrOptions: ProtocolsProvider | SteadySocketOptions | undefined,
  options: SteadySocketOptions | undefined,
): { protocols: ProtocolsProvider | undefined; options: SteadySocketOptions } {
  const isOptions = typeof protocolsOrOptions === 'object' && protocolsOrOptions !== null && !Array.isArray(protocolsOrOptions);
  if (isOptions) return { protocols: protocolsOrOptions.protocols, options: protocolsOrOptions };
  const given = options ?? {};
  return { protocols: (protocolsOrOptions as ProtocolsProvider | undefined) ?? given.protocols, options: given };
}

/** Fills in defaults and checks every value; a bad one is a `TypeError` or `RangeError` naming it. */
export function resolveOptions(options: SteadySocketOptions = {}): ResolvedOptions {
  const q = options.queue ?? {};
  const maxDelay = duration('maxDelay', options.maxDelay, DEFAULTS.maxDelay);
  const resolved: ResolvedOptions = {
    // A `maxDelay` below the default `minDelay` lowers it too: only a given `minDelay` can conflict.
    minDelay: duration('minDelay', options.minDelay, Math.min(DEFAULTS.minDelay, maxDelay)),
    maxDelay,
    factor: duration('factor', options.factor, DEFAULTS.factor),
    jitter: oneOf('jitter', options.jitter, JITTERS, DEFAULTS.jitter),
    maxRetries: count('maxRetries', options.maxRetries, DEFAULTS.maxRetries),
    connectTimeout: duration('connectTimeout', options.connectTimeout, DEFAULTS.connectTimeout, true),
    minUptime: duration('minUptime', options.minUptime, DEFAULTS.minUptime),
    closeTimeout: duration('closeTimeout', options.closeTimeout, DEFAULTS.closeTimeout, true),
    shouldReconnect: options.shouldReconnect,
    heartbeat: resolveHeartbeat(options.heartbeat),
    queue: Object.freeze({
      maxMessages: count('queue.maxMessages', q.maxMessages, DEFAULTS.queue.maxMessages),
      maxBytes: count('queue.maxBytes', q.maxBytes, DEFAULTS.queue.maxBytes),
      overflow: oneOf('queue.overflow', q.overflow, OVERFLOWS, DEFAULTS.queue.overflow),
      maxAge: duration('queue.maxAge', q.maxAge, DEFAULTS.queue.maxAge, true),
      highWaterMark: count('queue.highWaterMark', q.highWaterMark, DEFAULTS.queue.highWaterMark),
    }),
    lifecycleEvents: options.lifecycleEvents === undefined ? defaultLifecycleTarget() : options.lifecycleEvents,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
  if (resolved.factor < 1) throw new RangeError(`SteadySocket: factor must be at least 1, got ${resolved.factor}`);
  if (resolved.minDelay > resolved.maxDelay) {
    throw new RangeError(
      `SteadySocket: minDelay (${resolved.minDelay}) must not exceed maxDelay (${resolved.maxDelay})`,
    );
  }
  for (const name of ['shouldReconnect', 'random'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`SteadySocket: ${name} must be a function`);
    }
  }
  return Object.freeze(resolved);
}

function resolveHeartbeat(option: HeartbeatOptions | boolean | undefined): ResolvedHeartbeat | null {
  if (option === undefined || option === false) return null;
  const h = option === true ? {} : option;
  const d = DEFAULTS.heartbeat;
  if (h.isPong !== undefined && typeof h.isPong !== 'function') throw new TypeError('SteadySocket: heartbeat.isPong must be a function');
  const interval = duration('heartbeat.interval', h.interval, d.interval, true);
  const timeout = duration('heartbeat.timeout', h.timeout, d.timeout, true);
  if (!Number.isFinite(interval + timeout)) throw new RangeError('SteadySocket: heartbeat.interval and timeout must be finite');
  return Object.freeze({
    interval,
    timeout,
    message: h.message ?? d.message,
    isPong: h.isPong ?? d.isPong,
  });
}

/** A non-negative number of ms; `positive` also refuses 0 (a timeout of 0 would never connect). */
function duration(name: string, value: unknown, fallback: number, positive = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`SteadySocket: ${name} must be a number, got ${String(value)}`);
  }
  if (value < 0 || (positive && value === 0) || (value === Infinity && !positive)) {
    throw new RangeError(`SteadySocket: ${name} is out of range: ${value}`);
  }
  return value;
}

/** A non-negative integer, or Infinity. */
function count(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 0) {
    throw new RangeError(`SteadySocket: ${name} must be a non-negative integer or Infinity, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new RangeError(`SteadySocket: ${name} must be one of ${allowed.join(', ')}; got ${String(value)}`);
  }
  return value as T;
}
