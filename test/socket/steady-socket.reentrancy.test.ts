/**
 * Listeners that call back into the socket at every turn, and runtimes that refuse data.
 * Each case was a defect found in review; kept as regressions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../helpers/fake-socket';
import { settle, setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

describe('re-entrant calls from listeners', () => {
  it('close() from a state listener on "reconnecting" is final', () => {
    const { socket, clock, native, log } = setup();
    native().serverOpen();
    socket.addEventListener('state', (e) => e.state === 'reconnecting' && socket.close());
    native().serverClose(1006);
    expect(socket.readyState).toBe(3);
    clock.advance(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(log().filter((l) => l.startsWith('reconnecting'))).toEqual([]); // the stale announcement is skipped
    expect(clock.pending).toBe(0);
  });

  it('close() from a state listener on "connecting" leaves no native socket behind', () => {
    const { socket, clock, native } = setup();
    native().serverOpen();
    native().serverClose(1006);
    socket.addEventListener('state', (e) => e.state === 'connecting' && socket.close());
    clock.advance(1000);
    expect(socket.readyState).toBe(3);
    const second = FakeSocket.last;
    expect(second.liveHandlers).toBe(0);
    expect(() => second.serverOpen()).not.toThrow();
    expect(socket.readyState).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it('close() from a state listener on "open": no open event while closing', () => {
    const { socket, native, log } = setup();
    socket.addEventListener('state', (e) => e.state === 'open' && socket.close());
    native().serverOpen();
    expect(log()).not.toContain('open');
    expect(socket.readyState).toBe(2);
  });

  it('close() from a drop listener during a connection loss', () => {
    const { socket, native, clock } = setup({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 10;
    socket.send('x', { connectionOnly: true });
    socket.addEventListener('drop', () => socket.close());
    expect(() => native().serverClose(1006)).not.toThrow();
    expect(socket.readyState).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it('reconnect() from a drop listener during a loss leaks no live native socket', () => {
    const { socket, clock, native } = setup({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 10;
    socket.send('x', { connectionOnly: true });
    let once = true;
    socket.addEventListener('drop', () => {
      if (once) {
        once = false;
        socket.reconnect();
      }
    });
    native().serverClose(1006);
    clock.advance(60_000);
    expect(FakeSocket.instances.filter((s) => s !== FakeSocket.last && s.liveHandlers > 0)).toEqual([]);
  });

  it('a drop listener that re-sends under drop-oldest does not loop forever', () => {
    const { socket } = setup({ queue: { maxMessages: 2, overflow: 'drop-oldest' } });
    let resent = 0;
    socket.addEventListener('drop', (e) => {
      if (resent++ < 5) socket.send(e.data);
    });
    for (const m of ['a', 'b', 'c']) socket.send(m);
    expect(resent).toBeGreaterThan(0);
    expect(socket.stats.queued).toBe(2);
  });
});

describe('refusals and edge states', () => {
  it('a message the native send() refuses is dropped as rejected; the rest flow', () => {
    class Picky extends FakeSocket {
      override send(data: unknown): void {
        if (data instanceof Uint8Array && data.length === 3) throw new TypeError('refused');
        super.send(data);
      }
    }
    const { socket, clock, log } = setup({ WebSocket: Picky });
    socket.send(new Uint8Array(3)); // queued before open, refused on flush
    socket.send('after');
    FakeSocket.last.serverOpen();
    expect(socket.send(new Uint8Array(3))).toBe(false); // refused on a direct write
    expect(FakeSocket.last.sent).toEqual(['after']);
    expect(log().filter((l) => l.startsWith('drop'))).toEqual(['drop:rejected', 'drop:rejected']);
    clock.advance(1000);
    expect(clock.pending).toBe(0);
  });

  it('send() refuses a SharedArrayBuffer, which the native send() cannot take', () => {
    const { socket } = setup();
    expect(() => socket.send(new SharedArrayBuffer(8) as never)).toThrow(TypeError);
    expect(() => socket.send(new Uint8Array(new SharedArrayBuffer(8)))).toThrow(TypeError);
  });

  it('the heartbeat stops at close(): a half-open close ends by closeTimeout, not by an exception', () => {
    const { socket, clock, native, log } = setup({ heartbeat: { interval: 1000, timeout: 1000 }, closeTimeout: 3000 });
    native().serverOpen();
    clock.advance(1500);
    socket.close(1000);
    expect(() => clock.advance(3000)).not.toThrow();
    expect(log().slice(-3)).toEqual(['error:CLOSE_TIMEOUT', 'state:closed', 'close:1006:final']);
    expect(clock.pending).toBe(0);
  });

  it('probe() on a chatty connection settles when a late pong arrives', async () => {
    const { socket, clock, native } = setup({ heartbeat: { interval: 5000, timeout: 1000 } });
    native().serverOpen();
    let rtt: number | undefined;
    void socket.probe().then((ms) => (rtt = ms));
    for (let i = 0; i < 6; i++) {
      clock.advance(200);
      native().serverMessage('tick');
    }
    native().serverMessage('pong');
    await settle();
    expect(rtt).toBeGreaterThan(0);
  });

  it('bufferedAmount still counts the native buffer while CLOSING', () => {
    const { socket, native } = setup();
    native().serverOpen();
    native().bufferedAmount = 500;
    socket.close();
    expect(socket.readyState).toBe(2);
    expect(socket.bufferedAmount).toBe(500);
  });

  it('close() during the handshake reports 1006 like the native socket; while waiting, the given code', () => {
    const a = setup();
    a.socket.close(4001, 'bye');
    expect(a.log().at(-1)).toBe('close:1006:final');
    const b = setup();
    b.native().fail();
    b.socket.close(4001, 'bye');
    expect(b.log().at(-1)).toBe('close:4001:final');
  });
});
