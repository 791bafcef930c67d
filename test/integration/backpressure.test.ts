import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket } from '../../src/socket/index';
import { TestServer, until } from './server';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('watermark backpressure against a real ws server', { timeout: 30_000 }, () => {
  it('a server that stops reading: the native buffer stays within highWaterMark plus one message', async () => {
    const HWM = 64 * 1024;
    const SIZE = 16 * 1024;
    const COUNT = 1500; // 24 MiB: well past what the loopback socket buffers absorb
    let serverSide: import('ws').WebSocket | undefined;
    const srv = await new TestServer((ws) => {
      serverSide = ws;
      ws.pause();
    }).start();
    cleanup.push(() => srv.stop());
    const socket = new SteadySocket(srv.url, {
      WebSocket,
      queue: { highWaterMark: HWM, maxMessages: COUNT, maxBytes: COUNT * SIZE },
    });
    cleanup.push(() => socket.close());
    await until(() => socket.readyState === 1 && serverSide !== undefined);

    const payload = (i: number) => `${String(i).padStart(6, '0')}:${'x'.repeat(SIZE - 7)}`;
    let worst = 0;
    const native = () => socket.bufferedAmount - socket.stats.queuedBytes;
    for (let i = 0; i < COUNT; i++) {
      expect(socket.send(payload(i))).toBe(true);
      worst = Math.max(worst, native());
    }
    // The queue holds what the socket may not take; polling does not overfill it either.
    expect(socket.stats.queued).toBeGreaterThan(0);
    for (let t = 0; t < 20; t++) {
      await new Promise((r) => setTimeout(r, 10));
      worst = Math.max(worst, native());
    }
    expect(worst).toBeLessThanOrEqual(HWM + SIZE);
    expect(socket.stats.queued).toBeGreaterThan(0);

    serverSide!.resume();
    await until(() => srv.received.length === COUNT, 20_000, 'every message');
    const order = srv.received.map((m) => Number(String(m).slice(0, 6)));
    expect(order).toEqual([...Array(COUNT).keys()]);
    expect(socket.stats).toMatchObject({ queued: 0, dropped: 0, messagesSent: COUNT });
  });
});
