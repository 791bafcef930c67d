import { describe, expect, it } from 'vitest';
import { Received, Unacked } from '../../src/session/window';

describe('Unacked', () => {
  const filled = (count: number, bytes = 10) => {
    const unacked = new Unacked<string>({ messages: 3, bytes: 25 });
    for (let i = 1; i <= count; i++) unacked.push(`f${i}`, bytes);
    return unacked;
  };

  it.each([
    [0, 10, false],
    [1, 10, false],
    [2, 5, false],
    [2, 6, true], // 20 + 6 > 25 bytes
    [3, 0, true], // 3 messages
  ])('with %i kept, full for %i more bytes: %s', (count, next, full) => {
    expect(filled(count).full(next)).toBe(full);
  });

  it('lets one frame bigger than the window go when nothing else waits', () => {
    expect(filled(0).full(1000)).toBe(false);
  });

  it.each([
    [2, true, ['f3']],
    [0, true, ['f1', 'f2', 'f3']],
    [3, true, []],
    [4, false, ['f1', 'f2', 'f3']],
  ])('ack(%i) → %s, then pending %j', (count, ok, pending) => {
    const unacked = filled(3);
    expect(unacked.ack(count)).toBe(ok);
    expect(unacked.pending()).toEqual(pending);
  });

  it('refuses an ack going backwards, and counts bytes down', () => {
    const unacked = filled(3);
    unacked.ack(2);
    expect(unacked.bytes).toBe(10);
    expect(unacked.ack(1)).toBe(false);
    expect(unacked.length).toBe(1);
  });

  it('compacts after many acks without losing order', () => {
    const unacked = new Unacked<number>({ messages: 5000, bytes: 1e9 });
    for (let i = 1; i <= 3000; i++) unacked.push(i, 1);
    expect(unacked.ack(2500)).toBe(true);
    for (let i = 3001; i <= 3100; i++) unacked.push(i, 1);
    expect(unacked.pending()).toEqual(Array.from({ length: 600 }, (_, i) => 2501 + i));
    expect(unacked.sent).toBe(3100);
  });

  it('reset() returns what was unacknowledged and starts from 0', () => {
    const unacked = filled(3);
    unacked.ack(1);
    expect(unacked.reset()).toEqual(['f2', 'f3']);
    expect([unacked.sent, unacked.acked, unacked.length, unacked.bytes]).toEqual([0, 0, 0, 0]);
  });
});

describe('Received', () => {
  it.each([
    [{ messages: 4, bytes: 1000 }, [10, 10], [false, true]],
    [{ messages: 100, bytes: 100 }, [10, 40], [false, true]],
    [{ messages: 100, bytes: 1000 }, [10, 10, 10], [false, false, false]],
    [{ messages: 1, bytes: 1000 }, [10], [true]],
    [{ messages: 3, bytes: 1000 }, [1, 1], [false, true]], // half of an odd window, rounded up
  ])('peer window %j, frames of %j bytes → %j', (peer, sizes, whens) => {
    const received = new Received();
    expect(sizes.map((bytes) => received.add(bytes, peer))).toEqual(whens);
  });

  it('counts what it acknowledged', () => {
    const received = new Received();
    received.add(1, { messages: 100, bytes: 100 });
    received.add(1, { messages: 100, bytes: 100 });
    expect(received.owed).toBe(true);
    expect(received.acked()).toBe(2);
    expect(received.owed).toBe(false);
    expect(received.add(1, { messages: 100, bytes: 100 })).toBe(false);
  });
});
