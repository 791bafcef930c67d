import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket } from '../../src/socket/index';
import { FaultProxy } from '../fault-proxy';
import { TestServer, until } from './server';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Answers "ping" with "pong", echoes nothing else. */
function pongs(ws: import('ws').WebSocket): void {
  ws.on('message', (data) => data.toString() === 'ping' && ws.send('pong'));
}

describe('heartbeat against a real server', { timeout: 20_000 }, () => {
  it('measures the round-trip time', async () => {
    const srv = await new TestServer(pongs).start();
    cleanup.push(() => srv.stop());
    const socket = new SteadySocket(srv.url, { WebSocket, heartbeat: { interval: 200, timeout: 500 } });
    cleanup.push(() => socket.close());
    await until(() => socket.readyState === 1);
    const rtt = await socket.probe();
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(500);
    await until(() => srv.received.filter((m) => m === 'ping').length >= 2, 2000, 'a scheduled ping');
    expect(socket.stats.rtt).not.toBeNull();
  });

  it('a half-open connection (bytes silently dropped) is noticed within interval + timeout, and queued messages arrive', async () => {
    const INTERVAL = 300;
    const TIMEOUT = 300;
    const MARGIN = 400; // a loaded 2-core CI machine
    const srv = await new TestServer(pongs).start();
    cleanup.push(() => srv.stop());
    const proxy = await new FaultProxy(srv.port).start();
    cleanup.push(() => proxy.stop());
    const socket = new SteadySocket(proxy.url, {
      WebSocket,
      heartbeat: { interval: INTERVAL, timeout: TIMEOUT },
      minDelay: 50,
      maxDelay: 100,
    });
    cleanup.push(() => socket.close());
    await until(() => socket.readyState === 1);

    let lostAt = 0;
    socket.addEventListener('close', (e) => {
      if (lostAt) return;
      lostAt = Date.now();
      expect(e.code).toBe(4000);
      expect(e.willReconnect).toBe(true);
      // Sent while reconnecting: these wait in the queue for the next connection.
      for (const m of ['after-1', 'after-2', 'after-3']) socket.send(m);
    });
    const cutAt = Date.now();
    void proxy.set('blackhole', 'current');
    await until(() => lostAt > 0, 5000, 'detection');
    expect(lostAt - cutAt).toBeLessThanOrEqual(INTERVAL + TIMEOUT + MARGIN);

    await until(() => socket.readyState === 1, 5000, 'reconnect');
    await until(() => srv.received.filter((m) => String(m).startsWith('after')).length === 3, 5000, 'queued messages');
    expect(srv.received.filter((m) => String(m).startsWith('after'))).toEqual(['after-1', 'after-2', 'after-3']);
    expect(proxy.connections).toBe(2);
  });
});
