import { afterEach, describe, expect, it } from 'vitest';
import { SteadySocketError } from '../../src/socket/errors';
import { FakeSocket } from '../helpers/fake-socket';
import { onTestServer } from '../helpers/kit';
import { setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

const heartbeat = { interval: 1000, timeout: 500 };

// On the test kit's server, except where a test needs the native socket itself (its close
// calls and handlers, or a bufferedAmount set by hand): those stay on FakeSocket.
describe('heartbeat', () => {
  it('pings after interval of silence; pongs update rtt and are not messages', () => {
    const { socket, server, clock, received } = onTestServer({ heartbeat });
    const messages: unknown[] = [];
    const rtts: number[] = [];
    socket.onmessage = (e) => messages.push(e.data);
    socket.on('heartbeat', (e) => rtts.push(e.rtt));
    clock.advance(1000);
    expect(received()).toEqual(['ping']);
    clock.advance(37);
    server.send('pong');
    server.send('data');
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

  it('a server that never answers is found dead, and the socket connects again', () => {
    const { socket, server, clock } = onTestServer({ heartbeat });
    const closes: string[] = [];
    // The server still counts the dead connection when the close event fires: its closing
    // handshake was not waited for.
    socket.onclose = (e) => closes.push(`${e.code}, server has ${server.clients}`);
    socket.onerror = () => {};
    clock.advance(1000 + 500);
    expect(closes).toEqual(['4000, server has 1']);
    clock.advance(1000);
    expect(socket.readyState).toBe(1);
    expect(socket.stats.reconnects).toBe(1);
  });

  it('custom message and isPong', () => {
    const { socket, server, clock, received } = onTestServer({
      heartbeat: { ...heartbeat, message: () => JSON.stringify({ type: 'ping' }), isPong: (d) => typeof d === 'string' && d.includes('"pong"') },
    });
    clock.advance(1000);
    expect(received()).toEqual(['{"type":"ping"}']);
    server.send('{"type":"pong"}');
    clock.advance(499);
    clock.advance(600);
    expect(socket.readyState).toBe(1);
    expect(socket.stats.reconnects).toBe(0);
  });

  it('heartbeat: true uses the defaults (25 s, 10 s, "ping"/"pong")', () => {
    const { clock, received } = onTestServer({ heartbeat: true });
    clock.advance(24_999);
    expect(received()).toEqual([]);
    clock.advance(1);
    expect(received()).toEqual(['ping']);
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
    const { socket, clock, server } = onTestServer({ heartbeat });
    clock.advance(1000);
    socket.close();
    clock.advance(0); // the closing handshake
    expect(server.clients).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('300 reconnect cycles with a heartbeat leave no live timers', () => {
    const { socket, server, clock, received } = onTestServer({ heartbeat });
    for (let i = 0; i < 300; i++) {
      expect(socket.readyState).toBe(1);
      clock.advance(1000); // a ping goes out
      server.send('pong');
      server.drop();
      expect(clock.pending).toBe(1); // the backoff only
      clock.next(); // the retry, which opens at once
    }
    expect(received()).toHaveLength(300);
    expect(socket.stats.reconnects).toBe(300);
    socket.close();
    clock.advance(0); // the closing handshake
    expect(clock.pending).toBe(0);
  });
});

describe('#probe', () => {
  it('pings at once and resolves with the round-trip time', async () => {
    const { socket, server, clock, received } = onTestServer({ heartbeat });
    const rtt = socket.probe();
    expect(received()).toEqual(['ping']);
    clock.advance(12);
    server.send('pong');
    await expect(rtt).resolves.toBe(12);
  });

  it.each([
    ['without a heartbeat', {}, 'HEARTBEAT_DISABLED'],
    ['while not open', { heartbeat }, 'NOT_OPEN'],
  ] as const)('rejects %s', async (_name, options, code) => {
    const { socket } = onTestServer(options, undefined, false);
    await expect(socket.probe()).rejects.toMatchObject({ code });
    await expect(socket.probe()).rejects.toBeInstanceOf(SteadySocketError);
  });

  it('rejects with HEARTBEAT_TIMEOUT when the connection is found dead', async () => {
    const { socket, clock } = onTestServer({ heartbeat });
    socket.onerror = () => {};
    const probe = socket.probe();
    clock.advance(500);
    await expect(probe).rejects.toMatchObject({ code: 'HEARTBEAT_TIMEOUT' });
  });

  it('rejects with CONNECTION_LOST when the connection closes first', async () => {
    const { socket, server } = onTestServer({ heartbeat });
    const probe = socket.probe();
    server.close(1001);
    await expect(probe).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
  });
});
