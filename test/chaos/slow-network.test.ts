/**
 * Chaos: a slow network — latency with jitter on every byte, and a bandwidth limit —
 * under a stream, requests and the heartbeat. Nothing may break: no false heartbeat
 * deaths, no reordering, every request answered.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import { channels } from '../../src/channels/index';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import type { Fault } from '../fault-proxy';
import { Ledger, Stage, Tally, until } from './harness';

const stage = new Stage();
afterEach(() => stage.teardown());
const tally = new Tally('slow-network');
afterAll(() => tally.print());

/** Pongs pings and answers requests (`{"channel":"echo","id":N,"data":X}` → `{"id":N,"data":X}`). */
function serve(ws: ServerSocket): void {
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (text === 'ping') ws.send('pong');
    else if (text.startsWith('{')) {
      const { id, data } = JSON.parse(text) as { id?: number; data?: unknown };
      if (typeof id === 'number') ws.send(JSON.stringify({ id, data }));
    }
  });
}

type Api = { echo: { request: number; reply: number } };

async function rig(fault: Fault, options: SteadySocketOptions = {}) {
  const rigged = await stage.rig({ behaviour: serve, options: { minDelay: 10, maxDelay: 100, ...options }, before: (proxy) => proxy.set(fault) });
  const { socket } = rigged;
  const errors: string[] = [];
  socket.on('error', (e) => errors.push(e.error.code));
  await until(() => socket.readyState === 1, 5000, 'open');
  return { ...rigged, errors };
}

async function finish(socket: SteadySocket, ledger: Ledger): Promise<void> {
  ledger.stop();
  await until(() => socket.stats.queued === 0 && socket.bufferedAmount === 0, 10_000, 'the queue to drain');
  socket.close();
  await until(() => socket.readyState === 3, 5000, 'CLOSED');
}

describe('chaos: a slow network', { timeout: 30_000 }, () => {
  it('latency 40 ± 30 ms each way: stream, 40 requests and the heartbeat all work, in order, without a false alarm', async () => {
    const { server, socket, ledger, errors } = await rig(
      { mode: 'latency', ms: 40, jitter: 30 },
      { heartbeat: { interval: 150, timeout: 500 } },
    );
    const api = channels<Api>(socket, { requestTimeout: 5000 });
    ledger.stream(3);
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => api.request('echo', i)));
    expect(replies).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const rtt = await socket.probe();
    expect(rtt).toBeGreaterThanOrEqual(2 * (40 - 30) - 2); // two crossings of at least 10 ms
    await until(() => (socket.stats.rtt ?? 0) > 0 && server.received.filter((m) => m === 'ping').length >= 3, 5000, 'scheduled pings');
    await finish(socket, ledger);
    expect(socket.stats.reconnects).toBe(0);
    expect(errors).toEqual([]);
    const audit = ledger.audit();
    expect(audit).toMatchObject({ lost: 0, dropped: 0, unreported: 0 });
    expect(audit.delivered).toBeGreaterThan(50);
    tally.add(1, audit);
  });

  it('a 512 KB/s link: a 300 KB burst goes through in order, no faster than the link allows', async () => {
    const { server, socket, ledger } = await rig(
      { mode: 'bandwidth', bytesPerSecond: 512 * 1024 },
      { queue: { highWaterMark: 16 * 1024, maxMessages: 10_000, maxBytes: 10 * 1024 * 1024 } },
    );
    const payload = 'x'.repeat(1024);
    const started = Date.now();
    for (let i = 0; i < 300; i++) expect(socket.send(`${i}:${payload}`)).toBe(true);
    ledger.send(50); // numbered ones behind the burst
    await until(() => server.received.length >= 350, 10_000, 'the burst');
    // 300 KB at 512 KB/s: more than half a second, with slack for the loopback buffers.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const burst = server.received.slice(0, 300).map((m) => Number(String(m).split(':')[0]));
    expect(burst).toEqual(Array.from({ length: 300 }, (_, i) => i));
    await finish(socket, ledger);
    const audit = ledger.audit();
    expect(audit).toMatchObject({ delivered: 50, unreported: 0 });
    tally.add(1, audit);
  });
});
