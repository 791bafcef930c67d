/**
 * Turns what the caller passed into the resolved options: sorts the constructor's
 * arguments, fills in the defaults and checks every value (a bad one is a `TypeError` or
 * `RangeError` naming it). The shapes and the defaults themselves are in options.ts.
 *
 * One table says what each option must be, and one function walks it (and the nested
 * groups `queue`, `heartbeat`, `resume`): a call per option would cost every app its bytes.
 */
import { systemClock } from './clock';
import { mustBe } from './errors';
import type { Jitter } from './backoff';
import type { HeartbeatOptions } from './heartbeat';
import { DEFAULTS, type OverflowPolicy, type ProtocolsProvider, type QueueOptions, type ResolvedOptions, type SteadySocketOptions } from './options';
import type { ResumeOptions } from './session-link';

/**
 * Sorts the constructor's second and third arguments into `[protocols, options]`: a string or
 * array in second place is `protocols`, a plain object is the options (whose own `protocols`
 * then applies).
 */
export const splitArguments = (
  protocolsOrOptions: ProtocolsProvider | SteadySocketOptions | undefined,
  options: SteadySocketOptions | undefined,
): [ProtocolsProvider | undefined, SteadySocketOptions] =>
  protocolsOrOptions && typeof protocolsOrOptions === 'object' && !Array.isArray(protocolsOrOptions)
    ? [protocolsOrOptions.protocols, protocolsOrOptions]
    : [(protocolsOrOptions as ProtocolsProvider | undefined) ?? options?.protocols, options ?? {}];

/**
 * How one option is checked: a value not of `type` (or NaN) is a `TypeError`, one that fails
 * `test` a `RangeError`, both saying it must be `what`. With no `what` ({@link ANY}), the
 * value is taken as given, `null` meaning the default.
 */
type Check = readonly [type?: string, what?: string, test?: (value: never) => boolean];
/** A {@link Check}, or a nested group: off when falsy, its defaults when `true`. */
type Rule = Check | Spec;
interface Spec {
  readonly [option: string]: Rule;
}

const number = (what: string, test: (value: number) => boolean): Check => ['number', what, test];
/** One of `allowed` (whatever its type: anything else is out of range). */
const oneOf = <T extends string>(...allowed: T[]): Check => [, `one of ${allowed.join(', ')}`, (value: T) => allowed.includes(value)];

// Infinity % 1 is NaN: Infinity passes, as it means "unbounded".
const COUNT = number('a whole number >= 0 or Infinity', (v) => v >= 0 && !(v % 1));
const MS = number('a finite number >= 0', (v) => v >= 0 && v < Infinity);
const POSITIVE = number('a number > 0 or Infinity', (v) => v > 0);
const FINITE_POSITIVE = number('a finite number > 0', (v) => v > 0 && v < Infinity);
// Told to the server in JSON, which has no Infinity.
const WHOLE_POSITIVE = number('a whole number > 0', (v) => v > 0 && Number.isSafeInteger(v));
const FUNCTION: Check = ['function', 'a function'];
const ANY: Check = [];
/** Taken as given, `null` too (a `what` that no check ever shows). */
const AS_GIVEN: Check = [, 'as given'];

/** A rule for every option of `T`, no more (a type check only: a typo or a new option must show here). */
type Every<T> = { readonly [K in keyof Required<T>]: Rule };

const OPTIONS: Spec = {
  minDelay: MS,
  maxDelay: MS,
  factor: number('a finite number >= 1', (v) => v >= 1 && v < Infinity),
  jitter: oneOf<Jitter>('full', 'equal', 'decorrelated', 'none'),
  maxRetries: COUNT,
  connectTimeout: POSITIVE,
  minUptime: MS,
  closeTimeout: POSITIVE,
  shouldReconnect: FUNCTION,
  random: FUNCTION,
  clock: ANY,
  queue: {
    maxMessages: COUNT,
    maxBytes: COUNT,
    overflow: oneOf<OverflowPolicy>('reject', 'drop-oldest'),
    maxAge: POSITIVE,
    highWaterMark: COUNT,
  } satisfies Every<QueueOptions>,
  heartbeat: { interval: FINITE_POSITIVE, timeout: FINITE_POSITIVE, message: ANY, isPong: FUNCTION } satisfies Every<HeartbeatOptions>,
  resume: { maxMessages: WHOLE_POSITIVE, maxBytes: WHOLE_POSITIVE } satisfies Every<ResumeOptions>,
  lifecycleEvents: AS_GIVEN,
  logger: AS_GIVEN,
  // Handed on as they are, not resolved: `WebSocket`, `connectOptions`, `protocols`, `startClosed`.
} satisfies Every<Omit<SteadySocketOptions, 'WebSocket' | 'connectOptions' | 'protocols' | 'startClosed'>>;

/** The resolved defaults: made on first use (never at import), then shared by every socket that changes none. */
let defaults: ResolvedOptions | undefined;

/**
 * Fills in defaults and checks every value; a bad one is a `TypeError` or `RangeError` naming
 * it. Most sockets set nothing the parts read: they share one resolved object rather than
 * ~300 B each (options the socket hands on as they are, `WebSocket`, `connectOptions`,
 * `protocols` and `startClosed`, are not in the table, so never make a copy).
 */
export function resolveOptions(options: SteadySocketOptions): ResolvedOptions {
  // `heartbeat` and `resume` are off unless asked for; `queue` is always on.
  // `random`: Math.random looked up at each call, as the environment may change after the
  // first socket (the resolved defaults are shared by every socket that sets none).
  defaults ??= { ...DEFAULTS, clock: systemClock, random: () => Math.random(), heartbeat: null, resume: null, shouldReconnect: undefined, lifecycleEvents: undefined, logger: undefined };
  const r = group(options as Record<string, unknown>, defaults as never, OPTIONS, '') as unknown as { -readonly [K in keyof ResolvedOptions]: ResolvedOptions[K] };
  // Only a copy can conflict (the defaults do not), so `r` may be changed here.
  if (r.minDelay > r.maxDelay) {
    // A `maxDelay` below the default `minDelay` lowers it too: only a given `minDelay` can conflict.
    if (options.minDelay !== undefined) throw new RangeError(mustBe('minDelay', `at most maxDelay (${r.maxDelay})`, r.minDelay));
    r.minDelay = r.maxDelay;
  }
  const resume = r.resume as { maxMessages: number; maxBytes: number } | null;
  if (resume) r.resume = { messages: resume.maxMessages, bytes: resume.maxBytes };
  return r;
}

/**
 * `given` checked option by option against `spec`, with `fallback`'s value for each one not
 * given: `fallback` itself while every value is its own, else a copy with the values given.
 */
function group(given: Record<string, unknown>, fallback: Record<string, unknown>, spec: Spec, path: string): Record<string, unknown> {
  let out = fallback;
  for (const key in spec) {
    const rule = spec[key]!;
    let value = given[key];
    if (!Array.isArray(rule)) {
      // A nested group: falsy for the fallback (off, or the defaults for `queue`); `true` (or
      // anything not an object, whose properties are all undefined) for its defaults.
      value = value ? group(value as Record<string, unknown>, DEFAULTS[key as 'queue'], rule as Spec, `${path + key}.`) : fallback[key];
    } else {
      const [type, what, test] = rule as Check;
      // NaN is no number here.
      const wrongType = type && (typeof value !== type || value !== value);
      if (value === undefined || (!what && value === null)) value = fallback[key];
      else if (wrongType || (test && !test(value as never))) throw new (wrongType ? TypeError : RangeError)(mustBe(path + key, what!, value));
    }
    if (value !== fallback[key]) (out === fallback ? (out = { ...fallback }) : out)[key] = value;
  }
  return out;
}
