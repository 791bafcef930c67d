import { afterEach, describe, expect, it } from 'vitest';
import { DRAIN_POLL_MS } from '../../src/socket/outbox';
import { FakeSocket } from '../helpers/fake-socket';
import { setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

/** A fake whose bufferedAmount grows with every write, as a socket's does when the peer stops reading. */
class FillingSocket extends FakeSocket {
  override send(data: unknown): void {
    super.send(data);
    this.bufferedAmount = (this.bufferedAmount ?? 0) + new TextEncoder().encode(String(data)).length;
  }
}

const drops = (log: string[]) => log.filter((l) => l.startsWith('drop'));

describe('watermark backpressure', () => {
  it('writes stop above highWaterMark and resume below it, in order', () => {
    const { socket, native, clock } = setup({ queue: { highWaterMark: 100 } });
    native().serverOpen();
    socket.send('a');
    native().bufferedAmount = 101;
    socket.send('b');
    socket.send('c');
    expect(native().sent).toEqual(['a']);
    expect(socket.stats.queued).toBe(2);
    clock.advance(DRAIN_POLL_MS * 3);
    expect(native().sent).toEqual(['a']);
    native().bufferedAmount = 100; // at the mark is allowed
    socket.send('d'); // must not overtake b and c
    expect(native().sent).toEqual(['a', 'b', 'c', 'd']);
    expect(clock.pending).toBe(0);
  });

  it('drains by polling only while something waits', () => {
    const { socket, native, clock } = setup({ queue: { highWaterMark: 10 } });
    native().serverOpen();
    expect(clock.pending).toBe(0);
    native().bufferedAmount = 50;
    socket.send('x');
    expect(clock.pending).toBe(1);
    clock.advance(DRAIN_POLL_MS);
    expect(clock.pending).toBe(1);
    native().bufferedAmount = 0;
    clock.advance(DRAIN_POLL_MS);
    expect(native().sent).toEqual(['x']);
    expect(clock.pending).toBe(0);
  });

  it('keeps the native buffer within highWaterMark plus one message', () => {
    FakeSocket.reset();
    const { socket, clock } = setup({ WebSocket: FillingSocket, queue: { highWaterMark: 1000, maxMessages: 10_000, maxBytes: 1e9 } });
    const native = FakeSocket.last;
    native.serverOpen();
    const message = 'm'.repeat(64);
    for (let i = 0; i < 200; i++) {
      socket.send(`${i}`.padStart(4, '0') + message);
      expect(native.bufferedAmount).toBeLessThanOrEqual(1000 + 68);
    }
    const written = native.sent.length;
    expect(written).toBeLessThan(200);
    expect(socket.bufferedAmount).toBe(native.bufferedAmount! + socket.stats.queuedBytes);
    native.bufferedAmount = 0; // the peer reads again
    for (let i = 0; i < 100 && socket.stats.queued > 0; i++) {
      clock.advance(DRAIN_POLL_MS);
      native.bufferedAmount = 0;
    }
    expect(native.sent.map((m) => Number(String(m).slice(0, 4)))).toEqual([...Array(200).keys()]);
    expect(clock.pending).toBe(0);
  });

  it('order holds across a reconnect: the queue goes first on the new connection', () => {
    const { socket, native, clock } = setup({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 1;
    socket.send('1');
    socket.send('2');
    native().serverClose(1006);
    socket.send('3');
    clock.runNext();
    socket.onopen = () => socket.send('4');
    native().serverOpen();
    socket.send('5');
    expect(native().sent).toEqual(['1', '2', '3', '4', '5']);
  });

  it('without a bufferedAmount (React Native) an estimate still bounds the writes', () => {
    const { socket, native, clock } = setup({ queue: { highWaterMark: 100 } });
    native().bufferedAmount = undefined;
    native().serverOpen();
    const sixty = 'x'.repeat(60);
    socket.send(sixty);
    socket.send(sixty); // estimate 60 ≤ 100: written
    socket.send(sixty); // estimate 120 > 100: waits
    expect(native().sent).toHaveLength(2);
    expect(socket.bufferedAmount).toBe(120 + 60);
    clock.advance(200); // assumed drain: 100 bytes/s → estimate 100
    expect(native().sent).toHaveLength(3);
  });
});

describe('byte accounting', () => {
  it('equals the sum of message sizes for text, ArrayBuffers and typed arrays', () => {
    const { socket } = setup();
    const messages = ['plain', 'héllo wörld', '日本語', '😀🎉', new ArrayBuffer(7), new Uint16Array(5), new Float64Array(2), new DataView(new ArrayBuffer(9), 3)];
    for (const m of messages) socket.send(m);
    const expected = messages.reduce<number>((n, m) => n + (typeof m === 'string' ? new TextEncoder().encode(m).length : m.byteLength), 0);
    expect(socket.stats.queuedBytes).toBe(expected);
    expect(socket.bufferedAmount).toBe(expected);
    expect(socket.stats.queued).toBe(messages.length);
  });
});

describe('bounds and drops', () => {
  it("'reject' refuses the newest, reported once", () => {
    const { socket, log } = setup({ queue: { maxMessages: 2 } });
    expect([socket.send('a'), socket.send('b'), socket.send('c')]).toEqual([true, true, false]);
    expect(drops(log())).toEqual(['drop:overflow']);
    expect(socket.stats.dropped).toBe(1);
  });

  it("'drop-oldest' evicts the oldest, each reported once", () => {
    const { socket, native, events } = setup({ queue: { maxBytes: 6, overflow: 'drop-oldest' } });
    for (const m of ['aa', 'bb', 'cc', 'dddd']) expect(socket.send(m)).toBe(true);
    const dropped = events.filter((e) => e.type === 'drop').map((e) => (e.event as { data: unknown }).data);
    expect(dropped).toEqual(['aa', 'bb']);
    native().serverOpen();
    expect(native().sent).toEqual(['cc', 'dddd']);
  });

  it('maxAge drops stale messages once each, and leaves no timer behind', () => {
    const { socket, native, clock, events } = setup({ queue: { maxAge: 1000 }, connectTimeout: 60_000 });
    socket.send('old');
    clock.advance(500);
    socket.send('new');
    clock.advance(500);
    expect(events.filter((e) => e.type === 'drop').map((e) => [(e.event as { data: unknown; reason: string }).data, (e.event as { reason: string }).reason])).toEqual([['old', 'expired']]);
    native().serverOpen();
    expect(native().sent).toEqual(['new']);
    clock.advance(5000);
    expect(socket.stats.dropped).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('connectionOnly messages are never replayed on a new connection', () => {
    const { socket, native, clock, events } = setup({ queue: { highWaterMark: 0 } });
    expect(socket.send('cursor', { connectionOnly: true })).toBe(false); // no connection to be valid on
    native().serverOpen();
    native().bufferedAmount = 1;
    socket.send('keep-1');
    socket.send('unsubscribe', { connectionOnly: true });
    socket.send('keep-2');
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    expect(native().sent).toEqual(['keep-1', 'keep-2']);
    const dropped = events.filter((e) => e.type === 'drop').map((e) => e.event as { data: unknown; reason: string });
    expect(dropped.map((d) => [d.data, d.reason])).toEqual([
      ['cursor', 'disconnected'],
      ['unsubscribe', 'disconnected'],
    ]);
  });

  it('close() while open writes what waits before the close frame', () => {
    const { socket, native, log } = setup({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 1;
    socket.send('a');
    socket.send('b');
    socket.close();
    expect(native().sent).toEqual(['a', 'b']);
    expect(drops(log())).toEqual([]);
  });

  it('close() while disconnected drops what waits, once each', () => {
    const { socket, log } = setup();
    socket.send('a');
    socket.send('b');
    socket.close();
    socket.close();
    expect(drops(log())).toEqual(['drop:closed', 'drop:closed']);
  });
});
