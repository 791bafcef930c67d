/**
 * Chaos: connections that die without telling anyone (a blackhole: no byte and no close
 * gets through) and closes that take their time (slow close).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import type { SteadySocketOptions } from '../../src/socket/index';
import { ChaosServer, Stage, Tally, until } from './harness';

const stage = new Stage();
afterEach(() => stage.teardown());
const tally = new Tally('half-open');
afterAll(() => tally.print());

/** Answers the heartbeat's "ping" with "pong". */
const pongs = (ws: ServerSocket) => ws.on('message', (data) => data.toString() === 'ping' && ws.send('pong'));

async function rig(options: SteadySocketOptions = {}) {
  const rigged = await stage.rig({ behaviour: pongs, options: { minDelay: 10, maxDelay: 100, ...options } });
  const { socket } = rigged;
  const log: { event: string; at: number }[] = [];
  socket.on('close', (e) => log.push({ event: `close:${e.code}:${e.willReconnect ? 'r' : 'final'}`, at: Date.now() }));
  socket.on('error', (e) => log.push({ event: `error:${e.error.code}`, at: Date.now() }));
  await until(() => socket.readyState === 1, 5000, 'the first open');
  return { ...rigged, log };
}

const receivedTotal = (server: ChaosServer) => [...server.byConnection.values()].reduce((n, list) => n + list.length, 0);
async function flowing(server: ChaosServer, what: string, more = 20): Promise<void> {
  const from = receivedTotal(server);
  await until(() => receivedTotal(server) >= from + more, 5000, what);
}

describe('chaos: half-open connections and slow closes', { timeout: 30_000 }, () => {
  it('a half-open connection under a stream is declared dead within interval + timeout; only what went into the hole is lost', async () => {
    const INTERVAL = 300;
    const TIMEOUT = 300;
    const MARGIN = 700; // a loaded 2-core machine
    const rigged = await rig({ heartbeat: { interval: INTERVAL, timeout: TIMEOUT } });
    const { server, proxy, client, socket, ledger, log } = rigged;
    ledger.stream(5);
    await flowing(server, 'traffic before the cut');
    const cutAt = Date.now();
    await proxy.set('blackhole', 'current'); // this connection only: a new one gets through
    await until(() => log.some((l) => l.event === 'close:4000:r'), 5000, 'the heartbeat to notice');
    const noticed = log.find((l) => l.event === 'close:4000:r')!.at - cutAt;
    expect(noticed).toBeLessThanOrEqual(INTERVAL + TIMEOUT + MARGIN);
    expect(noticed).toBeGreaterThanOrEqual(TIMEOUT - 50); // a ping in flight at the cut still gets its full timeout
    expect(log.map((l) => l.event)).toContain('error:HEARTBEAT_TIMEOUT');
    // The dead connection is torn down at once (ws's terminate()), not left in a closing
    // handshake its peer will never answer (ws would hold it for 30 s).
    await until(() => client.connections[0]!.closed !== undefined, 1000, 'the dead native socket to be gone');
    expect(client.connections[0]!.closed?.code).toBe(1006);
    await until(() => socket.readyState === 1, 5000, 'reconnect');
    await flowing(server, 'traffic after the reconnect');
    ledger.stop();
    await until(() => socket.stats.queued === 0 && socket.bufferedAmount === 0, 5000, 'the queue to drain');
    socket.close();
    await until(() => socket.readyState === 3, 5000, 'CLOSED');
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    expect(audit.lost).toBeGreaterThan(0); // the stream kept writing into the hole until the heartbeat noticed
    tally.add(1, audit);
  });

  it('probe() on a half-open connection rejects within the timeout and a new connection replaces it', async () => {
    const rigged = await rig({ heartbeat: { interval: 60_000, timeout: 300 } });
    const { proxy, socket, log } = rigged;
    expect(await socket.probe()).toBeGreaterThanOrEqual(0);
    await proxy.set('blackhole', 'current');
    const started = Date.now();
    await expect(socket.probe()).rejects.toMatchObject({ code: 'HEARTBEAT_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(300 + 700);
    await until(() => socket.readyState === 1 && socket.stats.reconnects === 1, 5000, 'reconnect');
    expect(await socket.probe()).toBeGreaterThanOrEqual(0);
    expect(log.map((l) => l.event)).toEqual(['error:HEARTBEAT_TIMEOUT', 'close:4000:r']);
    tally.add(1);
  });

  it('a close that never completes (slow close) ends in CLOSED after closeTimeout; everything sent before close() arrives', async () => {
    const rigged = await rig({ closeTimeout: 300 });
    const { server, proxy, socket, ledger, log } = rigged;
    await proxy.set({ mode: 'slow-close', ms: 10_000 });
    ledger.send(100);
    const started = Date.now();
    socket.close();
    expect(socket.readyState).toBe(2);
    await until(() => socket.readyState === 3, 5000, 'CLOSED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(300 + 700);
    expect(log.map((l) => l.event)).toEqual(['error:CLOSE_TIMEOUT', 'close:1006:final']);
    await until(() => receivedTotal(server) >= 100, 5000, 'the messages sent before close()');
    const audit = ledger.audit();
    expect(audit).toMatchObject({ sent: 100, delivered: 100, lost: 0, unreported: 0 });
    tally.add(1, audit);
  });

  it('a close slower than usual but within closeTimeout is clean', async () => {
    const rigged = await rig({ closeTimeout: 2000 });
    const { proxy, socket, ledger, log } = rigged;
    await proxy.set({ mode: 'slow-close', ms: 200 });
    ledger.send(20);
    const started = Date.now();
    socket.close(1000, 'bye');
    await until(() => socket.readyState === 3, 5000, 'CLOSED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(log.map((l) => l.event)).toEqual(['close:1000:final']);
    const audit = ledger.audit();
    expect(audit).toMatchObject({ delivered: 20, unreported: 0 });
    tally.add(1, audit);
  });
});
