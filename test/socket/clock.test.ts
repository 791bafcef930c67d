import { describe, expect, it, vi } from 'vitest';
import { systemClock, Timer } from '../../src/socket/clock';
import { ManualClock } from '../helpers/manual-clock';

describe('systemClock', () => {
  it('tells the time and runs and cancels timers with the global ones', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    const fired: string[] = [];
    systemClock.setTimeout(() => fired.push('kept'), 0);
    const cancelled = systemClock.setTimeout(() => fired.push('cancelled'), 0);
    systemClock.clearTimeout(cancelled);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toEqual(['kept']);
  });

  it('waits out a delay longer than the global setTimeout takes (2^31 - 1 ms) in steps, and cancels any step', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      systemClock.setTimeout(() => fired.push('late'), 2 ** 31 + 1000);
      const cancelled = systemClock.setTimeout(() => fired.push('cancelled'), 2 ** 32);
      vi.advanceTimersByTime(2 ** 31 - 1);
      expect(fired).toEqual([]);
      systemClock.clearTimeout(cancelled);
      vi.advanceTimersByTime(1000);
      expect(fired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(fired).toEqual(['late']);
      vi.advanceTimersByTime(2 ** 32);
      expect(fired).toEqual(['late']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Timer', () => {
  it('is pending until it fires or stops; starting again replaces it; Infinity never fires', () => {
    const clock = new ManualClock();
    const timer = new Timer(clock);
    const fired: number[] = [];
    timer.start(10, () => fired.push(1));
    timer.start(20, () => fired.push(2));
    expect(timer.pending).toBe(true);
    clock.advance(20);
    expect(fired).toEqual([2]);
    expect(timer.pending).toBe(false);
    timer.start(Infinity, () => fired.push(3));
    expect(timer.pending).toBe(false);
    timer.start(5, () => fired.push(4));
    timer.stop();
    clock.advance(100);
    expect(fired).toEqual([2]);
    expect(clock.pending).toBe(0);
  });
});
