/**
 * API.md §12, against a real `ws` server: the names reconnecting-websocket's and
 * partysocket's users rely on — `startClosed`, `retryCount`, `reconnect(code, reason)` and
 * `drainQueuedMessages()`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { TestServer, until } from './server';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(onConnection?: ConstructorParameters<typeof TestServer>[0]) {
  const srv = await new TestServer(onConnection).start();
  cleanup.push(() => srv.stop());
  return srv;
}

function client(url: string, options: SteadySocketOptions = {}) {
  const socket = new SteadySocket(url, { WebSocket, minDelay: 20, maxDelay: 40, lifecycleEvents: null, ...options });
  cleanup.push(() => socket.close());
  const drops: string[] = [];
  socket.addEventListener('drop', (e) => drops.push(`${e.reason}:${String(e.data)}`));
  return { socket, drops };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startClosed', () => {
  it('makes no handshake, reads CLOSED until reconnect(), and sends what was queued after it, in order', async () => {
    const srv = await server();
    const { socket, drops } = client(srv.url, { startClosed: true });
    expect(socket.readyState).toBe(3);
    expect(socket.send('one')).toBe(true);
    expect(socket.send('two')).toBe(true);
    await sleep(100);
    expect(srv.connections).toBe(0);
    expect(socket.readyState).toBe(3);
    socket.reconnect();
    expect(socket.readyState).toBe(0);
    await until(() => srv.received.length === 2, 5000, 'the queued messages');
    expect(srv.received).toEqual(['one', 'two']);
    expect(srv.connections).toBe(1);
    expect(drops).toEqual([]);
  });

  it('close() before any reconnect() reports what waited as dropped, and stays closed', async () => {
    const srv = await server();
    const { socket, drops } = client(srv.url, { startClosed: true });
    socket.send('never');
    socket.close();
    socket.reconnect();
    await sleep(100);
    expect(drops).toEqual(['closed:never']);
    expect(srv.connections).toBe(0);
    expect(socket.readyState).toBe(3);
  });
});

describe('retryCount', () => {
  it('is 0 while open and counts the retries while the server is down', async () => {
    const srv = await server();
    const { socket } = client(srv.url);
    await until(() => socket.readyState === 1, 5000, 'open');
    expect(socket.retryCount).toBe(0);
    await srv.stop();
    await until(() => socket.retryCount >= 3, 5000, 'three retries');
    expect(socket.readyState).toBe(0);
    await srv.start();
    await until(() => socket.readyState === 1, 5000, 'open again');
    expect(socket.retryCount).toBe(0);
  });
});

describe('reconnect(code, reason)', () => {
  it('closes the connection with that code and reason, then connects again', async () => {
    const closes: [number, string][] = [];
    const srv = await server((ws) => ws.on('close', (code, reason) => closes.push([code, reason.toString()])));
    const { socket } = client(srv.url);
    const events: string[] = [];
    socket.addEventListener('close', (e) => events.push(`close:${e.code}:${e.reason}:${e.willReconnect}`));
    await until(() => socket.readyState === 1, 5000, 'open');
    socket.reconnect(4001, 'switching');
    await until(() => srv.connections === 2 && socket.readyState === 1, 5000, 'the new connection');
    await until(() => closes.length === 1, 5000, 'the server to see the close');
    expect(closes).toEqual([[4001, 'switching']]);
    expect(events).toEqual(['close:4001:switching:true']);
    expect(() => socket.reconnect(1001)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
  });
});

describe('drainQueuedMessages()', () => {
  it('returns what waits in the queue, in order, with no drop events, and leaves it empty', async () => {
    const srv = await server();
    const { socket, drops } = client(srv.url, { startClosed: true });
    const bytes = new Uint8Array([1, 2]);
    socket.send('a');
    socket.send(bytes);
    socket.send('c');
    expect(socket.bufferedAmount).toBe(4);
    const taken = socket.drainQueuedMessages();
    expect(taken).toHaveLength(3);
    expect([taken[0], [...(taken[1] as Uint8Array)], taken[2]]).toEqual(['a', [1, 2], 'c']);
    expect(socket.drainQueuedMessages()).toEqual([]);
    expect(socket.bufferedAmount).toBe(0);
    socket.reconnect();
    await until(() => socket.readyState === 1, 5000, 'open');
    socket.send('after');
    await until(() => srv.received.length === 1, 5000, 'the one message sent after');
    expect(srv.received).toEqual(['after']);
    expect(drops).toEqual([]);
  });
});
