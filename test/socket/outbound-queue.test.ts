import { describe, expect, it } from 'vitest';
import type { DropReason } from '../../src/socket/outbound-queue';
import type { QueueOptions } from '../../src/socket/options';
import { Outbox } from '../../src/socket/outbox';
import { byteLength, type OutboundData } from '../../src/socket/data';
import { ManualClock } from '../helpers/manual-clock';

// The queue of the outbox, with no connection: every send waits.
function make(limits: Partial<QueueOptions> = {}) {
  const clock = new ManualClock();
  const drops: [OutboundData, DropReason][] = [];
  const queue = new Outbox(
    { maxMessages: 3, maxBytes: 100, overflow: 'reject', maxAge: Infinity, highWaterMark: 0, ...limits },
    clock,
    { _dropped: (data, reason) => void drops.push([data, reason]), _operation: (change) => change() },
    null,
  );
  const push = (data: OutboundData) => queue.send(data, {});
  const drain = () => {
    const out: OutboundData[] = [];
    while (queue._next) out.push(queue._shift('written'));
    return out;
  };
  return { queue, clock, drops, push, drain };
}

describe('the queue (Outbox)', () => {
  it('is FIFO and counts bytes of text and binary', () => {
    const { queue, push, drain } = make({ maxMessages: 10 });
    push('héllo');
    push(new ArrayBuffer(7));
    push(new Uint32Array(2));
    push('😀');
    expect(queue._length).toBe(4);
    expect(queue._bytes).toBe(6 + 7 + 8 + 4);
    expect(drain().map((d) => (typeof d === 'string' ? d : byteLength(d)))).toEqual(['héllo', 7, 8, '😀']);
    expect(queue._bytes).toBe(0);
  });

  it("'reject' refuses what does not fit and reports it once", () => {
    const { push, drops, drain } = make();
    expect([push('a'), push('b'), push('c'), push('d')]).toEqual([true, true, true, false]);
    expect(drops).toEqual([['d', 'overflow']]);
    expect(drain()).toEqual(['a', 'b', 'c']);
  });

  it("'reject' counts bytes too", () => {
    const { push, drops } = make({ maxBytes: 10 });
    expect(push('12345678')).toBe(true);
    expect(push('123')).toBe(false);
    expect(drops).toEqual([['123', 'overflow']]);
  });

  it("'drop-oldest' evicts the oldest, each reported once", () => {
    const { push, drops, drain } = make({ overflow: 'drop-oldest', maxBytes: 10 });
    push('aaaa');
    push('bbbb');
    push('cc');
    expect(push('dddddd')).toBe(true); // needs 6 of 10 bytes: evicts aaaa and bbbb
    expect(drops).toEqual([
      ['aaaa', 'overflow'],
      ['bbbb', 'overflow'],
    ]);
    expect(drain()).toEqual(['cc', 'dddddd']);
  });

  it('a message bigger than maxBytes is refused under either policy', () => {
    for (const overflow of ['reject', 'drop-oldest'] as const) {
      const { push, drops, queue } = make({ overflow, maxBytes: 4 });
      push('ok');
      expect(push('too big')).toBe(false);
      expect(drops).toEqual([['too big', 'overflow']]);
      expect(queue._length).toBe(1);
    }
  });

  it('close reports every message once with the reason', () => {
    const { queue, push, drops } = make();
    push('a');
    push('b');
    queue.close(false);
    queue.close(false);
    expect(drops).toEqual([
      ['a', 'closed'],
      ['b', 'closed'],
    ]);
    expect(queue._length).toBe(0);
  });

  it('maxAge expires old messages on a timer that exists only while something waits', () => {
    const { queue, push, drops, clock, drain } = make({ maxAge: 1000 });
    expect(clock.pending).toBe(0);
    push('old');
    clock.advance(600);
    push('new');
    expect(clock.pending).toBe(1);
    clock.advance(400);
    expect(drops).toEqual([['old', 'expired']]);
    expect(queue._length).toBe(1);
    clock.advance(600);
    expect(drops).toEqual([
      ['old', 'expired'],
      ['new', 'expired'],
    ]);
    expect(clock.pending).toBe(0);
    push('x');
    expect(drain()).toEqual(['x']);
    expect(clock.pending).toBe(0);
  });

  it('stays compact through many pushes and shifts', () => {
    const { queue, push } = make({ maxMessages: 5000, maxBytes: 1e9 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4000; i++) push(`m${i}`);
      for (let i = 0; i < 3999; i++) queue._shift('written');
      expect(queue._next?._data).toBe('m3999');
      queue._shift('written');
    }
    expect(queue._length).toBe(0);
  });
});
