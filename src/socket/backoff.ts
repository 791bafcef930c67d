/**
 * How a retry delay is randomised.
 * - `'full'`: uniform in `[0, cap]` — spreads a crowd of clients the most (the default).
 * - `'equal'`: uniform in `[cap / 2, cap]` — never shorter than half the cap.
 * - `'decorrelated'`: uniform in `[minDelay, previous * 3]`, capped — AWS's "decorrelated jitter".
 * - `'none'`: exactly `cap` — deterministic, and every client retries in lockstep.
 *
 * `cap` is `min(maxDelay, minDelay * factor ** attempt)`.
 */
export type Jitter = 'full' | 'equal' | 'decorrelated' | 'none';

/** The slice of the options the backoff needs. */
export interface BackoffPolicy {
  /** Ms: the cap of the first retry. */
  minDelay: number;
  /** Ms: the cap never grows past this. */
  maxDelay: number;
  /** How much the cap grows per retry. */
  factor: number;
  /** How a delay is drawn under the cap. */
  jitter: Jitter;
}

/**
 * The delay before retry number `attempt + 1`, in milliseconds. Pure: the randomness
 * comes in as `random` (a function returning a number in `[0, 1)`).
 *
 * `previous` is the delay used before this one; only `'decorrelated'` looks at it.
 * Always a finite number in `[0, maxDelay]`, whatever the attempt number.
 *
 * @example
 * backoffDelay(3, { minDelay: 1000, maxDelay: 10_000, factor: 2, jitter: 'none' }, Math.random)
 * // → 8000
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  previous?: number,
): number {
  const { minDelay, maxDelay, factor, jitter } = policy;
  const cap = backoffCap(attempt, policy);
  switch (jitter) {
    case 'none':
      return cap;
    case 'equal':
      return cap / 2 + unit(random) * (cap / 2);
    case 'decorrelated': {
      const floor = Math.min(minDelay, maxDelay);
      // Not before the first retry (undefined), nor below the floor (nor NaN).
      const last = previous! > floor ? previous! : floor;
      const upper = Math.min(maxDelay, last * 3);
      return Math.min(maxDelay, floor + unit(random) * (upper - floor));
    }
    default:
      return unit(random) * cap;
  }
}

/** `min(maxDelay, minDelay * factor ** attempt)`, safe for any attempt number. */
export function backoffCap(attempt: number, policy: BackoffPolicy): number {
  const { minDelay, maxDelay, factor } = policy;
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const grown = minDelay * factor ** n;
  // factor ** n overflows to Infinity for huge n (and 0 * Infinity is NaN): both fail `<`.
  return grown < maxDelay ? grown : maxDelay;
}

// A random source outside [0, 1) (a buggy injected one) must not push delays out of bounds.
function unit(random: () => number): number {
  const r = random();
  return r >= 0 && r < 1 ? r : 0;
}
