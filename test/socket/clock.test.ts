import { describe, expect, it } from 'vitest';
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
