import { afterEach, describe, expect, it } from 'vitest';
import { SteadySocketError } from '../../src/socket/errors';
import { FakeSocket } from '../helpers/fake-socket';
import { setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

const heartbeat = { interval: 1000, timeout: 500 };

describe('heartbeat', () => {
  it('pings after interval of silence; pongs update rtt and are not messages', () => {
    const { socket, native, clock } = setup({ heartbeat });
    const messages: unknown[] = [];
    const rtts: number[] = [];
    socket.onmessage = (e) => messages.push(e.data);
    socket.on('heartbeat', (e) => rtts.push(e.rtt));
    native().serverOpen();
    clock.advance(1000);
    expect(native().sent).toEqual(['ping']);
    clock.advance(37);
    native().serverMessage('pong');
    native().serverMessage('data');
    expect(messages).toEqual(['data']);
    expect(rtts).toEqual([37]);
    expect(socket.stats.rtt).toBe(37);
    expect(socket.stats.messagesReceived).toBe(1);
    expect(socket.stats.messagesSent).toBe(0); // pings are not counted as messages
  });

  it('a dead connection closes with 4000 without waiting for a handshake, and reconnects', () => {
    const { socket, native, clock, log } = setup({ heartbeat });
    const dead = native();
    dead.serverOpen();
    clock.advance(1000 + 500);
    expect(log().slice(-4)).toEqual(['error:HEARTBEAT_TIMEOUT', 'state:reconnecting', 'close:4000:r', 'reconnecting:1:1000']);
    expect(dead.closeCalls).toHaveLength(1);
    expect(dead.liveHandlers).toBe(0);
    expect(socket.readyState).toBe(0);
    clock.advance(1000);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('custom message and isPong', () => {
    const { native, clock } = setup({
      heartbeat: { ...heartbeat, message: () => JSON.stringify({ type: 'ping' }), isPong: (d) => typeof d === 'string' && d.includes('"pong"') },
    });
    native().serverOpen();
    clock.advance(1000);
    expect(native().sent).toEqual(['{"type":"ping"}']);
    native().serverMessage('{"type":"pong"}');
    clock.advance(499);
    clock.advance(600);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('heartbeat: true uses the defaults (25 s, 10 s, "ping"/"pong")', () => {
    const { native, clock } = setup({ heartbeat: true });
    native().serverOpen();
    clock.advance(24_999);
    expect(native().sent).toEqual([]);
    clock.advance(1);
    expect(native().sent).toEqual(['ping']);
  });

  it('pings bypass a backpressured queue', () => {
    const { socket, native, clock } = setup({ heartbeat, queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 10;
    socket.send('waiting');
    clock.advance(1000);
    expect(native().sent).toEqual(['ping']);
  });

  it('no timer survives close()', () => {
    const { socket, native, clock } = setup({ heartbeat });
    native().serverOpen();
    clock.advance(1000);
    socket.close();
    native().serverClose(1000);
    expect(clock.pending).toBe(0);
  });

  it('300 reconnect cycles with a heartbeat leave no live timers', () => {
    const { socket, native, clock } = setup({ heartbeat });
    for (let i = 0; i < 300; i++) {
      native().serverOpen();
      clock.advance(1000); // a ping goes out
      native().serverMessage('pong');
      native().serverClose(1006);
      expect(clock.pending).toBe(1); // the backoff only
      clock.runNext();
    }
    socket.close();
    expect(clock.pending).toBe(0);
  });
});

describe('#probe', () => {
  it('pings at once and resolves with the round-trip time', async () => {
    const { socket, native, clock } = setup({ heartbeat });
    native().serverOpen();
    const rtt = socket.probe();
    expect(native().sent).toEqual(['ping']);
    clock.advance(12);
    native().serverMessage('pong');
    await expect(rtt).resolves.toBe(12);
  });

  it.each([
    ['without a heartbeat', {}, false, 'HEARTBEAT_DISABLED'],
    ['while not open', { heartbeat }, false, 'NOT_OPEN'],
  ] as const)('rejects %s', async (_name, options, open, code) => {
    const { socket, native } = setup(options);
    if (open) native().serverOpen();
    await expect(socket.probe()).rejects.toMatchObject({ code });
    await expect(socket.probe()).rejects.toBeInstanceOf(SteadySocketError);
  });

  it('rejects with HEARTBEAT_TIMEOUT when the connection is found dead', async () => {
    const { socket, native, clock } = setup({ heartbeat });
    native().serverOpen();
    const probe = socket.probe();
    clock.advance(500);
    await expect(probe).rejects.toMatchObject({ code: 'HEARTBEAT_TIMEOUT' });
  });

  it('rejects with CONNECTION_LOST when the connection closes first', async () => {
    const { socket, native } = setup({ heartbeat });
    native().serverOpen();
    const probe = socket.probe();
    native().serverClose(1001);
    await expect(probe).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
  });
});
