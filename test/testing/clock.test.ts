import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../src/testing/index';

/** One turn of the event loop: the kit's own turn (a setTimeout 0 set before this one) has run. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('createTestClock', () => {
  it('starts at a fixed time, or the one given', () => {
    expect(createTestClock().now()).toBe(1_700_000_000_000);
    expect(createTestClock({ start: 5 }).now()).toBe(5);
  });

  it.each<[string, object]>([
    ['a start that is not a number', { start: '0' }],
    ['an infinite start', { start: Infinity }],
    ['an autoRun that is not a boolean', { autoRun: 'yes' }],
  ])('refuses %s with a TypeError', (_name, options) => {
    expect(() => createTestClock(options as never)).toThrow(TypeError);
  });
});

describe('#advance', () => {
  it('fires due timers in order of their time, then of setting, each at its own time', () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b'), 10);
    clock.setTimeout(at('late'), 31);
    clock.advance(30);
    expect(fired).toEqual(['a@10', 'b@10', 'c@30']);
    expect(clock.now()).toBe(30);
    expect(clock.pending).toBe(1);
  });

  it('fires the timers that timers set, when they fall due within the same advance', () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    clock.advance(350);
    expect(fired).toEqual([100, 200, 300]);
    expect(clock.nextIn).toBe(50);
  });

  it('does not fire a cleared timer; clearing twice or an unknown handle is harmless', () => {
    const clock = createTestClock({ autoRun: false });
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout('nothing');
    clock.advance(10);
    expect(fired).toBe(0);
    expect(clock.pending).toBe(0);
    expect(clock.nextIn).toBeUndefined();
  });

  it('reads a negative or NaN delay as 0, as setTimeout does', () => {
    const clock = createTestClock({ autoRun: false });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('negative'), -5);
    clock.setTimeout(() => fired.push('NaN'), Number.NaN);
    clock.advance(0);
    expect(fired).toEqual(['negative', 'NaN']);
  });

  it.each([-1, Number.NaN, Infinity, '5'])('refuses %s ms with a RangeError, and changes nothing', (ms) => {
    const clock = createTestClock({ start: 0, autoRun: false });
    clock.setTimeout(() => {}, 0);
    expect(() => clock.advance(ms as number)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(1);
  });

  it('refuses a callback that is not a function', () => {
    expect(() => createTestClock().setTimeout('code' as never, 0)).toThrow(TypeError);
  });

  it('stops a timer that sets itself again at 0 ms, with a RangeError rather than hanging', () => {
    const clock = createTestClock({ autoRun: false });
    const again = () => void clock.setTimeout(again, 0);
    clock.setTimeout(again, 0);
    expect(() => clock.advance(1)).toThrow(/at one instant/);
  });

  it('lets an exception of a timer through, with the timer gone and the clock at its time', () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    clock.setTimeout(() => {
      throw new Error('app bug');
    }, 5);
    expect(() => clock.advance(10)).toThrow('app bug');
    expect(clock.now()).toBe(5);
    expect(clock.pending).toBe(0);
  });
});

describe('#next', () => {
  it('moves to the next timer and fires it; false when none is set', () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 1500);
    expect(clock.next()).toBe(true);
    expect(fired).toEqual([1500]);
    expect(clock.now()).toBe(1500);
    expect(clock.next()).toBe(false);
  });
});

describe('timers due now', () => {
  it('fire by themselves on the next turn of the event loop (autoRun, the default)', async () => {
    const clock = createTestClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('now'), 0);
    clock.setTimeout(() => fired.push('later'), 1);
    expect(fired).toEqual([]);
    await turn();
    expect(fired).toEqual(['now']);
    expect(clock.pending).toBe(1); // a future timer waits for an advance
  });

  it('wait for an advance with autoRun: false', async () => {
    const clock = createTestClock({ autoRun: false });
    let fired = false;
    clock.setTimeout(() => (fired = true), 0);
    await turn();
    expect(fired).toBe(false);
    clock.advance(0);
    expect(fired).toBe(true);
  });
});

describe('#advanceAsync', () => {
  it('lets promise callbacks run between timers, so what they set falls within the advance', async () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    const fired: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => fired.push(clock.now()), 50));
    }, 100);
    await clock.advanceAsync(200);
    expect(fired).toEqual([150]);
    expect(clock.now()).toBe(200);
  });

  it('with the same timers, the synchronous advance is over before the promise callback runs', async () => {
    const clock = createTestClock({ start: 0, autoRun: false });
    const fired: number[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => clock.setTimeout(() => fired.push(clock.now()), 50));
    }, 100);
    clock.advance(200);
    await Promise.resolve();
    expect(fired).toEqual([]);
    expect(clock.nextIn).toBe(50);
  });

  it('refuses a bad duration with a RangeError', async () => {
    await expect(createTestClock().advanceAsync(-1)).rejects.toThrow(RangeError);
  });
});
