import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { TestServer, until } from './server';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function client(url: string | (() => string | Promise<string>), options: SteadySocketOptions = {}) {
  const socket = new SteadySocket(url, { WebSocket, minDelay: 20, maxDelay: 200, ...options });
  cleanup.push(() => socket.close());
  const log: string[] = [];
  socket.addEventListener('open', () => log.push('open'));
  socket.addEventListener('close', (e) => log.push(`close:${e.code}:${e.willReconnect ? 'r' : 'final'}`));
  socket.addEventListener('error', (e) => log.push(`error:${e.error.code}`));
  return { socket, log };
}

async function server(onConnection?: ConstructorParameters<typeof TestServer>[0]) {
  const s = await new TestServer(onConnection).start();
  cleanup.push(() => s.stop());
  return s;
}

describe('against a real ws server', { timeout: 20_000 }, () => {
  it('reconnects after each of five restarts, and messages sent meanwhile arrive', async () => {
    const srv = await server();
    const { socket, log } = client(srv.url);
    await until(() => socket.readyState === 1, 5000, 'first open');
    for (let i = 1; i <= 5; i++) {
      await srv.stop();
      await until(() => socket.connectionState === 'reconnecting', 5000, `loss ${i}`);
      expect(socket.readyState).toBe(0);
      socket.send(`during outage ${i}`);
      await srv.start();
      await until(() => socket.readyState === 1, 5000, `reopen ${i}`);
      // Wait for delivery before the next crash: a message written just before a crash is
      // lost in flight with any client (no acknowledgements in WebSocket).
      await until(() => srv.received.length === i, 5000, `queued message ${i}`);
    }
    expect(srv.received).toEqual([1, 2, 3, 4, 5].map((i) => `during outage ${i}`));
    expect(log.filter((l) => l === 'open')).toHaveLength(6);
    expect(socket.stats.reconnects).toBe(5);
  });

  it('a 1008 close stops for good: CLOSED, close event with 1008', async () => {
    const srv = await server((ws) => ws.close(1008, 'not allowed'));
    const { socket, log } = client(srv.url);
    const closes: { code: number; reason: string; willReconnect: boolean }[] = [];
    socket.addEventListener('close', (e) => closes.push({ code: e.code, reason: e.reason, willReconnect: e.willReconnect }));
    await until(() => socket.readyState === 3, 5000, 'CLOSED');
    expect(closes).toEqual([{ code: 1008, reason: 'not allowed', willReconnect: false }]);
    expect(log).toEqual(['open', 'error:POLICY_VIOLATION', 'close:1008:final']);
    expect(srv.connections).toBe(1);
  });

  it('a listener that never answers the handshake gives CONNECT_TIMEOUT and a retry', async () => {
    const held: Socket[] = [];
    const tcp: Server = createServer((s) => held.push(s)).listen(0, '127.0.0.1');
    await once(tcp, 'listening');
    cleanup.push(() => new Promise((r) => { held.forEach((s) => s.destroy()); tcp.close(r); }));
    const port = (tcp.address() as AddressInfo).port;
    const { socket, log } = client(`ws://127.0.0.1:${port}/`, { connectTimeout: 300 });
    await until(() => held.length >= 2, 5000, 'a second attempt');
    expect(log.slice(0, 2)).toEqual(['error:CONNECT_TIMEOUT', 'close:1006:r']);
    expect(socket.readyState).toBe(0);
  });

  it('a server that accepts then drops at once causes no tight loop', async () => {
    const times: number[] = [];
    const srv = await server((ws) => {
      times.push(Date.now());
      ws.terminate();
    });
    client(srv.url, { minDelay: 100, maxDelay: 10_000, jitter: 'none' });
    await until(() => times.length >= 5, 5000, 'five attempts');
    // Each drop came before minUptime, so the backoff kept growing: 100, 200, 400, 800 ms.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    [100, 200, 400, 800].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay - 5));
  });

  it('calls the URL provider before every attempt', async () => {
    const srv = await server();
    let n = 0;
    const { socket } = client(() => `${srv.url}?token=t${++n}`);
    await until(() => socket.readyState === 1);
    expect(socket.url).toBe(`${srv.url}?token=t1`);
    await srv.restart();
    await until(() => srv.connections === 2, 5000, 'reconnect');
    expect(srv.requests.map((r) => r.url)).toEqual(['/?token=t1', '/?token=t2']);
    expect(socket.url).toBe(`${srv.url}?token=t2`);
  });

  it('a rejecting provider gives an error event and a retry, with no unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    cleanup.push(() => process.off('unhandledRejection', unhandled));
    const srv = await server();
    let calls = 0;
    const { socket, log } = client(async () => {
      if (++calls === 1) throw new Error('token service unavailable');
      return srv.url;
    });
    await until(() => socket.readyState === 1, 5000, 'open after the retry');
    expect(log).toEqual(['error:URL_PROVIDER_FAILED', 'close:1006:r', 'open']);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('passes connectOptions.headers to ws', async () => {
    const srv = await server();
    const { socket } = client(srv.url, { connectOptions: { headers: { 'x-token': 'secret' } } });
    await until(() => socket.readyState === 1);
    expect(srv.requests[0]!.headers['x-token']).toBe('secret');
  });

  it("bounds an inbound message at 16 MiB with ws by default (ws's own is 100 MiB): an error, a close, a retry", async () => {
    const big = 'x'.repeat(17 * 1024 * 1024);
    const srv = await server((ws) => ws.send(big));
    const { socket, log } = client(srv.url);
    const errors: string[] = [];
    socket.addEventListener('error', (e) => errors.push(e.message));
    let received = 0;
    socket.addEventListener('message', () => received++);
    await until(() => log.includes('close:1006:r'), 10_000, 'the connection closed on the message');
    expect(log.slice(0, 3)).toEqual(['open', 'error:CONNECTION_ERROR', 'close:1006:r']);
    expect(errors[0]).toMatch(/max payload/i);
    expect(received).toBe(0);
  });

  it('a maxPayload of the caller wins, and headers are kept beside the default', async () => {
    const big = 'x'.repeat(17 * 1024 * 1024);
    const srv = await server((ws) => ws.send(big));
    const { socket } = client(srv.url, { connectOptions: { maxPayload: 32 * 1024 * 1024 } });
    let received = 0;
    socket.addEventListener('message', (e) => (received = (e.data as string).length));
    await until(() => received === big.length, 10_000, 'the 17 MiB message');
    const withHeaders = await server();
    const other = client(withHeaders.url, { connectOptions: { headers: { 'x-token': 't' } } });
    await until(() => other.socket.readyState === 1);
    expect(withHeaders.requests[0]!.headers['x-token']).toBe('t');
  });

  it('a connection refused (nothing listening) is retried until the server appears', async () => {
    const srv = await server();
    const port = srv.port;
    await srv.stop();
    const { socket, log } = client(`ws://127.0.0.1:${port}/`);
    await until(() => log.filter((l) => l === 'close:1006:r').length >= 2, 5000, 'two failed attempts');
    await srv.start();
    await until(() => socket.readyState === 1, 5000, 'open');
    expect(log[0]).toBe('error:CONNECTION_ERROR');
  });
});
