import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/socket/index';

interface Events {
  tick: (n: number) => void;
  data: (value: unknown) => void;
}

class Ticker extends Emitter<Events> {}

// A listener's error is reported through reportError where there is one (Node 20 has none).
let reported: unknown[];
beforeEach(() => {
  reported = [];
  (globalThis as { reportError?: (e: unknown) => void }).reportError = (e) => reported.push(e);
});
afterEach(() => {
  delete (globalThis as { reportError?: unknown }).reportError;
});

describe('Emitter', () => {
  it('calls listeners in the order they were added, with the event, and says whether it had any', () => {
    const t = new Ticker();
    const seen: string[] = [];
    expect(t.emit('tick', 0)).toBe(false);
    t.on('tick', (n) => seen.push(`a${n}`)).on('tick', (n) => seen.push(`b${n}`));
    expect(t.emit('tick', 1)).toBe(true);
    expect(seen).toEqual(['a1', 'b1']);
  });

  it('runs each listener isolated: one that throws is reported and the others still run', () => {
    const t = new Ticker();
    const seen: number[] = [];
    const boom = new Error('listener bug');
    t.on('tick', () => {
      throw boom;
    });
    t.on('tick', (n) => seen.push(n));
    expect(() => t.emit('tick', 7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(reported).toEqual([boom]);
  });

  it('once: removed before its first call', () => {
    const t = new Ticker();
    const fn = vi.fn();
    t.once('tick', fn);
    expect(t.listenerCount('tick')).toBe(1);
    t.emit('tick', 1);
    t.emit('tick', 2);
    expect(fn.mock.calls).toEqual([[1]]);
    expect(t.listenerCount('tick')).toBe(0);
    expect(t.eventNames()).toEqual([]);
  });

  it('runs over the listeners it started with: one added meanwhile waits, one removed meanwhile is skipped', () => {
    const t = new Ticker();
    const seen: string[] = [];
    const late = () => seen.push('late');
    const removed = () => seen.push('removed');
    t.on('tick', () => {
      seen.push('first');
      t.on('tick', late);
      t.off('tick', removed);
    });
    t.on('tick', removed);
    t.emit('tick', 1);
    expect(seen).toEqual(['first']);
    t.emit('tick', 2);
    expect(seen).toEqual(['first', 'first', 'late']);
  });

  it.each([
    ['fn only', [], 0],
    ['fn and the same context', [{ c: 1 }], 0],
    ['fn and another context', [{ c: 2 }], 1],
    ['fn, any context, once only', [undefined, true], 1],
  ] as const)('off() as eventemitter3: %s', (_, args, left) => {
    const t = new Ticker();
    const context = args[0] === undefined ? undefined : { c: 1 };
    const fn = () => {};
    t.on('tick', fn, context);
    const offContext = args[0] && args[0].c === 1 ? context : args[0];
    t.off('tick', fn, offContext, args[1] as boolean | undefined);
    expect(t.listenerCount('tick')).toBe(left);
  });

  it('calls with the context as this, or the emitter', () => {
    const t = new Ticker();
    const context = { name: 'ctx' };
    const thisValues: unknown[] = [];
    t.on('tick', function (this: unknown) {
      thisValues.push(this);
    }, context);
    t.on('tick', function (this: unknown) {
      thisValues.push(this);
    });
    t.emit('tick', 1);
    expect(thisValues).toEqual([context, t]);
  });

  it('removeAllListeners: of one event, or of all; off() without fn is the same for its event', () => {
    const t = new Ticker();
    t.on('tick', () => {}).on('tick', () => {}).on('data', () => {});
    expect(t.eventNames().sort()).toEqual(['data', 'tick']);
    t.off('tick');
    expect(t.eventNames()).toEqual(['data']);
    t.removeAllListeners();
    expect(t.eventNames()).toEqual([]);
    expect(t.listeners('data')).toEqual([]);
  });

  it('never looks at an emitted value: an object with `_stopped` stops nothing and is not changed', () => {
    const t = new Ticker();
    const value = { _stopped: true };
    const fn = vi.fn();
    t.on('data', fn).on('data', fn);
    t.emit('data', value);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(value).toEqual({ _stopped: true });
  });
});
