/**
 * Properties of the pure backoff (src/backoff.ts) over generated policies, attempt numbers,
 * random sources and previous delays: bounds, monotone caps, and how jitter spreads delays.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { backoffCap, backoffDelay, type BackoffPolicy, type Jitter } from '../../src/socket/backoff';
import { report, seed } from './seed';

const RUNS = 2000;
let cases = 0;
function check<Ts>(property: fc.IProperty<Ts>): void {
  fc.assert(property, { seed, numRuns: RUNS });
  cases += RUNS;
}
afterAll(() => report(`backoff: ${cases} generated cases, seed ${seed}`));

const jitter = fc.constantFrom<Jitter>('full', 'equal', 'decorrelated', 'none');

/** Milliseconds: whole ones, or fractions down to a microsecond (not denormal floats). */
const ms = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.double({ min: 0.001, max, noNaN: true }));

/** Policies `resolveOptions` accepts: finite, minDelay ≤ maxDelay, factor ≥ 1. */
const policy: fc.Arbitrary<BackoffPolicy> = fc
  .record({
    minDelay: ms(1e7),
    spread: ms(1e8),
    factor: fc.oneof(fc.constantFrom(1, 1.5, 2, 3), fc.double({ min: 1, max: 1000, noNaN: true })),
    jitter,
  })
  .map(({ minDelay, spread, factor, jitter: j }) => ({ minDelay, maxDelay: minDelay + spread, factor, jitter: j }));

/** Attempt numbers, real and absurd. */
const attempt = fc.oneof(
  fc.nat({ max: 64 }),
  fc.nat(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Infinity, -Infinity, NaN, -1, 2.5),
);

/** What a random source may return, including what a buggy injected one would. */
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const anyNumber = fc.oneof(unit, fc.double(), fc.constantFrom(1, -0.5, NaN, Infinity));
const previous = fc.option(fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double()), { nil: undefined });

describe('backoffDelay (generated)', () => {
  it('is always a finite number in [0, maxDelay], whatever the inputs', () => {
    check(
      fc.property(policy, attempt, anyNumber, previous, (p, a, r, prev) => {
        const d = backoffDelay(a, p, () => r, prev);
        return Number.isFinite(d) && d >= 0 && d <= p.maxDelay;
      }),
    );
  });

  it('stays within its jitter bounds under the cap', () => {
    check(
      fc.property(policy, attempt, unit, previous, (p, a, r, prev) => {
        const d = backoffDelay(a, p, () => r, prev);
        const cap = backoffCap(a, p);
        const floor = Math.min(p.minDelay, p.maxDelay);
        switch (p.jitter) {
          case 'none':
            return d === cap;
          case 'full':
            return d >= 0 && d <= cap;
          case 'equal':
            return d >= cap / 2 && d <= cap * (1 + 1e-12);
          case 'decorrelated': {
            const last = prev !== undefined && prev >= floor ? prev : floor;
            return d >= floor && d <= Math.min(p.maxDelay, last * 3) + 1e-6 * Math.max(1, last);
          }
        }
      }),
    );
  });

  it('maps the random number monotonically onto the delay (no two clients collide by construction)', () => {
    check(
      fc.property(policy, fc.nat({ max: 64 }), unit, unit, previous, (p, a, r1, r2, prev) => {
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        return backoffDelay(a, p, () => lo, prev) <= backoffDelay(a, p, () => hi, prev);
      }),
    );
  });

  it('spreads a crowd over its whole range: 400 clients cover the bottom and top tenth, mean near the middle', () => {
    check(
      fc.property(policy.filter((p) => p.jitter !== 'none' && p.maxDelay > 0), fc.nat({ max: 40 }), fc.integer(), (p, a, s) => {
        const random = mulberry32(s);
        const delays = Array.from({ length: 400 }, () => backoffDelay(a, p, random));
        const cap = backoffCap(a, p);
        const [low, high] = p.jitter === 'full' ? [0, cap] : p.jitter === 'equal' ? [cap / 2, cap] : [Math.min(p.minDelay, p.maxDelay), Math.min(p.maxDelay, Math.min(p.minDelay, p.maxDelay) * 3)];
        const width = high - low;
        if (width <= 1e-9 * Math.max(1, high)) return delays.every((d) => Math.abs(d - low) <= 1e-9 * Math.max(1, high));
        const min = Math.min(...delays);
        const max = Math.max(...delays);
        const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
        // Uniform: each tenth is missed by all 400 with probability 0.9^400 < 1e-18.
        return min <= low + width / 10 && max >= high - width / 10 && Math.abs(mean - (low + width / 2)) <= width / 10;
      }),
    );
  });
});

describe('backoffCap (generated)', () => {
  it('never falls as attempts grow, starts at minDelay and never passes maxDelay', () => {
    check(
      fc.property(policy, fc.nat({ max: 10_000 }), (p, a) => {
        const cap = backoffCap(a, p);
        return backoffCap(a + 1, p) >= cap && cap <= p.maxDelay && cap >= p.minDelay && backoffCap(0, p) === p.minDelay;
      }),
    );
  });

  it('grows by exactly `factor` per attempt until it reaches maxDelay', () => {
    check(
      fc.property(policy.filter((p) => p.minDelay > 0), fc.nat({ max: 200 }), (p, a) => {
        const cap = backoffCap(a, p);
        const next = backoffCap(a + 1, p);
        return next === p.maxDelay || Math.abs(next - cap * p.factor) <= 1e-9 * next;
      }),
    );
  });

  it('reaches maxDelay once factor > 1, and stays there', () => {
    check(
      fc.property(policy.filter((p) => p.minDelay > 0 && p.factor >= 1.01), fc.nat({ max: 1e6 }), (p, extra) => {
        // minDelay · factor^n ≥ maxDelay for n ≥ log(maxDelay / minDelay) / log(factor).
        const n = Math.ceil(Math.log(p.maxDelay / p.minDelay) / Math.log(p.factor)) + 1;
        return backoffCap(n, p) === p.maxDelay && backoffCap(n + extra, p) === p.maxDelay;
      }),
    );
  });
});

/** A small seeded generator, for the spread property's crowds. */
function mulberry32(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
