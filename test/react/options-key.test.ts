import { describe, expect, it } from 'vitest';
import { optionsKey } from '../../src/react/options-key';

describe('optionsKey', () => {
  it.each([
    [{ heartbeat: true, minDelay: 500 }, { minDelay: 500, heartbeat: true }],
    [{ queue: { maxMessages: 5, overflow: 'drop-oldest' } }, { queue: { overflow: 'drop-oldest', maxMessages: 5 } }],
    [{ shouldReconnect: () => false }, {}],
    [{ clock: new (class Clock {})(), logger: console }, {}],
    [undefined, {}],
  ])('names %j and %j alike', (a, b) => {
    expect(optionsKey(a)).toBe(optionsKey(b));
  });

  it.each([
    [{ heartbeat: true }, { heartbeat: false }],
    [{ protocols: ['a', 'b'] }, { protocols: ['b', 'a'] }],
    [{ queue: { maxMessages: 5 } }, { queue: { maxMessages: 6 } }],
  ])('tells %j from %j', (a, b) => {
    expect(optionsKey(a)).not.toBe(optionsKey(b));
  });
});
