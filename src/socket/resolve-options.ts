/**
 * Turns what the caller passed into the resolved options: sorts the constructor's
 * arguments, fills in the defaults and checks every value (a bad one is a `TypeError` or
 * `RangeError` naming it). The shapes and the defaults themselves are in options.ts.
 */
import { systemClock } from './clock';
import type { HeartbeatOptions, ResolvedHeartbeat } from './heartbeat';
import { DEFAULTS, type ProtocolsProvider, type ResolvedOptions, type SteadySocketOptions } from './options';
import type { SessionWindow } from '../session/protocol';

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

/** How a number is checked: ms that may be 0 but not Infinity; ms above 0 (Infinity allowed); a count. */
type Rule = 'ms' | 'positive ms' | 'count';

// Looked up at each call, as the environment may change after the first socket (the
// resolved defaults are shared by every socket that sets none).
const random = () => Math.random();

/** Options the socket hands on as they are; they leave the resolved options as the defaults. */
const HANDED_ON: readonly string[] = ['WebSocket', 'connectOptions', 'protocols', 'startClosed'];
let defaults: ResolvedOptions | undefined;

/** Fills in defaults and checks every value; a bad one is a `TypeError` or `RangeError` naming it. */
export function resolveOptions(options: SteadySocketOptions = {}): ResolvedOptions {
  // Most sockets set nothing the parts read: they share one resolved object (made on first
  // use, never at import), rather than ~300 B each.
  const given = options as Record<string, unknown>;
  if (Object.keys(given).every((key) => given[key] === undefined || HANDED_ON.includes(key))) return (defaults ??= resolve({}));
  return resolve(options);
}

function resolve(options: SteadySocketOptions): ResolvedOptions {
  const q = options.queue ?? {};
  const dq = DEFAULTS.queue;
  const maxDelay = num('maxDelay', options.maxDelay, DEFAULTS.maxDelay, 'ms');
  const resolved: ResolvedOptions = {
    // A `maxDelay` below the default `minDelay` lowers it too: only a given `minDelay` can conflict.
    minDelay: num('minDelay', options.minDelay, Math.min(DEFAULTS.minDelay, maxDelay), 'ms'),
    maxDelay,
    factor: num('factor', options.factor, DEFAULTS.factor, 'ms'),
    jitter: oneOf('jitter', options.jitter, ['full', 'equal', 'decorrelated', 'none']),
    maxRetries: num('maxRetries', options.maxRetries, DEFAULTS.maxRetries, 'count'),
    connectTimeout: num('connectTimeout', options.connectTimeout, DEFAULTS.connectTimeout, 'positive ms'),
    minUptime: num('minUptime', options.minUptime, DEFAULTS.minUptime, 'ms'),
    closeTimeout: num('closeTimeout', options.closeTimeout, DEFAULTS.closeTimeout, 'positive ms'),
    shouldReconnect: fn('shouldReconnect', options.shouldReconnect),
    heartbeat: resolveHeartbeat(options.heartbeat),
    queue: options.queue === undefined ? dq : {
      maxMessages: num('queue.maxMessages', q.maxMessages, dq.maxMessages, 'count'),
      maxBytes: num('queue.maxBytes', q.maxBytes, dq.maxBytes, 'count'),
      overflow: oneOf('queue.overflow', q.overflow, ['reject', 'drop-oldest']),
      maxAge: num('queue.maxAge', q.maxAge, dq.maxAge, 'positive ms'),
      highWaterMark: num('queue.highWaterMark', q.highWaterMark, dq.highWaterMark, 'count'),
    },
    lifecycleEvents: options.lifecycleEvents,
    clock: options.clock ?? systemClock,
    random: fn('random', options.random) ?? random,
    logger: options.logger,
    resume: resolveResume(options.resume),
  };
  if (resolved.factor < 1) fail('factor', resolved.factor, 'at least 1');
  if (resolved.minDelay > maxDelay) fail('minDelay', resolved.minDelay, `at most maxDelay (${maxDelay})`);
  return resolved;
}

function resolveHeartbeat(option: HeartbeatOptions | boolean | undefined): ResolvedHeartbeat | null {
  if (!option) return null;
  const h = option === true ? {} : option;
  const d = DEFAULTS.heartbeat;
  const interval = num('heartbeat.interval', h.interval, d.interval, 'positive ms');
  const timeout = num('heartbeat.timeout', h.timeout, d.timeout, 'positive ms');
  if (!Number.isFinite(interval + timeout)) fail('heartbeat.interval + timeout', interval + timeout, 'finite');
  return { interval, timeout, message: h.message ?? d.message, isPong: fn('heartbeat.isPong', h.isPong) ?? d.isPong };
}

function resolveResume(option: SteadySocketOptions['resume']): SessionWindow | null {
  if (!option) return null;
  const r = option === true ? {} : option;
  const d = DEFAULTS.resume;
  const messages = num('resume.maxMessages', r.maxMessages, d.maxMessages, 'positive ms');
  const bytes = num('resume.maxBytes', r.maxBytes, d.maxBytes, 'positive ms');
  // Both are told to the server in JSON, which has no Infinity.
  if (!Number.isSafeInteger(messages) || !Number.isSafeInteger(bytes)) fail('resume.maxMessages and maxBytes', `${messages}, ${bytes}`, 'whole numbers');
  return { messages, bytes };
}

/** A number by `rule`, or `fallback` when not given. */
function num(name: string, value: unknown, fallback: number, rule: Rule): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`SteadySocket: ${name} must be a number, got ${String(value)}`);
  const ok = rule === 'count' ? value >= 0 && (Number.isInteger(value) || value === Infinity) : rule === 'ms' ? value >= 0 && value < Infinity : value > 0;
  if (!ok) fail(name, value, `a valid ${rule} (${rule === 'count' ? 'a whole number or Infinity' : rule === 'ms' ? 'finite, 0 or more' : 'above 0'})`);
  return value;
}

/** One of `allowed`; the first is the default. */
function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[]): T {
  if (value !== undefined && !allowed.includes(value)) fail(name, value, `one of ${allowed.join(', ')}`);
  return value ?? allowed[0]!;
}

function fn<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`SteadySocket: ${name} must be a function`);
  return value;
}

function fail(name: string, value: unknown, expected: string): never {
  throw new RangeError(`SteadySocket: ${name} must be ${expected}, got ${String(value)}`);
}
