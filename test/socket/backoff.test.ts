import { describe, expect, it } from 'vitest';
import { backoffCap, backoffDelay, type BackoffPolicy, type Jitter } from '../../src/socket/backoff';

const policy = (jitter: Jitter, over: Partial<BackoffPolicy> = {}): BackoffPolicy => ({
  minDelay: 1000,
  maxDelay: 10_000,
  factor: 2,
  jitter,
  ...over,
});
const fixed = (r: number) => () => r;

describe('#backoffCap', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [4, 10_000],
    [50, 10_000],
    [1e6, 10_000],
    [Number.MAX_SAFE_INTEGER, 10_000],
    [Infinity, 1000], // not a real attempt number: treated as 0, never NaN
    [NaN, 1000],
    [-3, 1000],
    [2.7, 4000],
  ])('attempt %s → %s', (attempt, cap) => {
    expect(backoffCap(attempt, policy('none'))).toBe(cap);
  });

  it('stays finite when factor ** attempt overflows', () => {
    expect(backoffCap(5000, policy('none', { factor: 10 }))).toBe(10_000);
  });

  it('with factor 1 stays at minDelay', () => {
    expect(backoffCap(99, policy('none', { factor: 1 }))).toBe(1000);
  });
});

describe('#backoffDelay', () => {
  describe.each<[Jitter, number, number, number]>([
    // jitter, attempt, lower bound, upper bound
    ['none', 0, 1000, 1000],
    ['none', 3, 8000, 8000],
    ['full', 0, 0, 1000],
    ['full', 2, 0, 4000],
    ['full', 10, 0, 10_000],
    ['equal', 0, 500, 1000],
    ['equal', 2, 2000, 4000],
    ['equal', 10, 5000, 10_000],
    ['decorrelated', 0, 1000, 3000],
    ['decorrelated', 10, 1000, 10_000],
  ])('%s jitter, attempt %i', (jitter, attempt, low, high) => {
    it.each([0, 0.25, 0.5, 0.999999])(`random %s stays within [${low}, ${high}]`, (r) => {
      const d = backoffDelay(attempt, policy(jitter), fixed(r));
      expect(d).toBeGreaterThanOrEqual(low);
      expect(d).toBeLessThanOrEqual(high);
    });
    it('hits the lower bound at random 0', () => {
      expect(backoffDelay(attempt, policy(jitter), fixed(0))).toBe(low);
    });
  });

  it.each(['full', 'equal', 'none'] as const)('%s: the upper envelope grows by factor and stops at maxDelay', (jitter) => {
    const top = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy(jitter), fixed(0.999999)));
    expect(top.map(Math.round)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('decorrelated grows from the previous delay, capped', () => {
    const p = policy('decorrelated');
    expect(backoffDelay(3, p, fixed(0.999999), 2000)).toBeCloseTo(6000, 0);
    expect(backoffDelay(3, p, fixed(0.999999), 9000)).toBeCloseTo(10_000, -1);
    expect(backoffDelay(3, p, fixed(0), 9000)).toBe(1000);
  });

  it.each(['full', 'equal', 'decorrelated', 'none'] as const)('%s: huge attempts give finite numbers', (jitter) => {
    for (const attempt of [1e3, 1e9, Number.MAX_VALUE, Infinity]) {
      const d = backoffDelay(attempt, policy(jitter), fixed(0.7), 1e308);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeLessThanOrEqual(10_000);
      expect(d).toBeGreaterThanOrEqual(0);
    }
  });

  it.each([-1, 1, 2, NaN])('a random source returning %s cannot push the delay out of bounds', (r) => {
    const d = backoffDelay(2, policy('full'), fixed(r));
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(4000);
  });

  it('full jitter spreads a crowd: 1000 clients, no 100 ms window holds more than 15 %', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const windows = new Array(10).fill(0);
    for (let i = 0; i < 1000; i++) windows[Math.min(9, Math.floor(backoffDelay(0, policy('full'), random) / 100))]++;
    expect(Math.max(...windows)).toBeLessThanOrEqual(150);
    // 'none' would put everyone in one window.
    expect(backoffDelay(0, policy('none'), random)).toBe(1000);
  });
});
