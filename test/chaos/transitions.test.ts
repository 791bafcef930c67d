/**
 * Chaos: user calls at the worst moments — close() while connecting or waiting, reconnect()
 * in a burst, send() storms on every state transition — and a server that never answers
 * the handshake.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import { SteadySocket, type ConnectionState, type SteadySocketOptions } from '../../src/socket/index';
import { FaultProxy } from '../fault-proxy';
import { ChaosServer, Ledger, Stage, Tally, quiet, until } from './harness';

const stage = new Stage();
afterEach(() => stage.teardown());
const tally = new Tally('transitions');
afterAll(() => tally.print());

const pongs = (ws: ServerSocket) => ws.on('message', (data) => data.toString() === 'ping' && ws.send('pong'));

/** Server and proxy; `before` sets up the proxy before the client dials. */
async function rig(options: SteadySocketOptions = {}, before?: (proxy: FaultProxy) => Promise<void>, behaviour: (ws: ServerSocket) => void = pongs) {
  const rigged = await stage.rig({ behaviour, options: { minDelay: 10, maxDelay: 100, ...options }, before });
  const { socket } = rigged;
  const log: string[] = [];
  socket.on('close', (e) => log.push(`close:${e.code}:${e.willReconnect ? 'r' : 'final'}`));
  socket.on('error', (e) => log.push(`error:${e.error.code}`));
  return { ...rigged, log };
}

const receivedTotal = (server: ChaosServer) => [...server.byConnection.values()].reduce((n, list) => n + list.length, 0);
async function flowing(server: ChaosServer, what: string, more = 20): Promise<void> {
  const from = receivedTotal(server);
  await until(() => receivedTotal(server) >= from + more, 5000, what);
}

async function finish(socket: SteadySocket, ledger: Ledger): Promise<void> {
  ledger.stop();
  await until(() => socket.readyState === 1 && socket.stats.queued === 0 && socket.bufferedAmount === 0, 5000, 'the queue to drain');
  socket.close();
  await until(() => socket.readyState === 3, 5000, 'CLOSED');
}

describe('chaos: calls at every transition', { timeout: 30_000 }, () => {
  it('close() during CONNECTING (a slow handshake): CLOSED at once, queued messages reported, no attempt after', async () => {
    const { server, proxy, socket, ledger, log } = await rig({}, (p) => p.set({ mode: 'latency', ms: 300 }));
    ledger.send(5);
    await quiet(50);
    expect(socket.connectionState).toBe('connecting');
    socket.close();
    expect(socket.readyState).toBe(3);
    await quiet(800); // longer than the handshake would have taken
    expect(proxy.connections).toBe(1);
    expect(receivedTotal(server)).toBe(0);
    expect(log).toEqual(['close:1006:final']);
    expect(ledger.audit()).toMatchObject({ sent: 5, dropped: 5, unreported: 0 });
    tally.add(1, ledger.audit());
  });

  it('close() during a handshake the server never answers, and while waiting to reconnect', async () => {
    const first = await rig({ connectTimeout: 10_000 }, (p) => p.set('blackhole', 'new'));
    await until(() => first.proxy.connections === 1, 5000, 'the attempt');
    first.ledger.send(3);
    first.socket.close();
    expect(first.socket.readyState).toBe(3);
    expect(first.ledger.audit()).toMatchObject({ dropped: 3, unreported: 0 });

    const second = await rig({ minDelay: 400, maxDelay: 400, jitter: 'none' });
    await until(() => second.socket.readyState === 1, 5000, 'open');
    await second.server.stop();
    await until(() => second.socket.connectionState === 'reconnecting', 5000, 'the wait');
    second.ledger.send(3);
    second.socket.close(4001, 'leaving');
    expect(second.socket.readyState).toBe(3);
    await second.server.start();
    await quiet(700);
    expect(second.proxy.connections).toBe(1);
    expect(second.log).toEqual(['close:1006:r', 'close:4001:final']);
    expect(second.ledger.audit()).toMatchObject({ dropped: 3, unreported: 0 });
    const [a, b] = [first.ledger.audit(), second.ledger.audit()];
    tally.add(2, { sent: a.sent + b.sent, delivered: a.delivered + b.delivered, dropped: a.dropped + b.dropped, lost: a.lost + b.lost, unreported: a.unreported + b.unreported });
  });

  it('reconnect() called in bursts while open and while connecting, under a stream: one connection at the end, nothing lost', async () => {
    const { server, client, socket, ledger } = await rig();
    await until(() => socket.readyState === 1, 5000, 'open');
    ledger.stream(2);
    for (let round = 0; round < 3; round++) {
      await flowing(server, `traffic before burst ${round}`);
      for (let i = 0; i < 50; i++) {
        socket.reconnect();
        ledger.send();
      }
      await quiet(5);
      for (let i = 0; i < 20; i++) socket.reconnect(); // again, while the last one is connecting
      await until(() => socket.readyState === 1, 5000, `open after burst ${round}`);
    }
    await flowing(server, 'traffic after the bursts');
    await finish(socket, ledger);
    // Every native socket but the last was let go of and closed; the server saw them all go.
    await until(() => client.connections.every((c) => c.closed !== undefined), 5000, 'every native socket to close');
    await until(() => server.clients.size === 0, 5000, 'the server to see them go');
    const audit = ledger.audit();
    expect(audit).toMatchObject({ lost: 0, unreported: 0 }); // reconnect() closes with a handshake: nothing in flight is lost
    tally.add(3, audit);
  });

  it('send() storms on every transition (crash, reset, 1013, half-open, close): every message accounted for', async () => {
    let overloaded = false;
    const { server, proxy, socket, ledger } = await rig(
      { heartbeat: { interval: 200, timeout: 200 }, shouldReconnect: (e) => (e.code === 1013 ? 20 : true) },
      undefined,
      (ws) => {
        pongs(ws);
        if (overloaded) ws.close(1013);
      },
    );
    const visited = new Set<ConnectionState>();
    socket.on('state', (e) => {
      visited.add(e.state);
      ledger.send(10);
    });
    for (const type of ['open', 'close', 'reconnecting', 'error'] as const) socket.on(type, () => ledger.send(5));
    await until(() => socket.readyState === 1, 5000, 'open');
    ledger.stream(3);
    const reopened = async (what: string) => {
      const before = socket.stats.reconnects;
      await until(() => socket.stats.reconnects > before && socket.readyState === 1, 5000, what);
    };
    await flowing(server, 'traffic');
    await server.restart();
    await reopened('after the crash');
    await flowing(server, 'traffic');
    proxy.reset();
    await reopened('after the reset');
    overloaded = true;
    server.clients.forEach((ws) => ws.close(1013));
    await until(() => server.connections >= 5, 5000, 'a few 1013s');
    overloaded = false;
    await reopened('after the 1013s');
    await flowing(server, 'traffic');
    await proxy.set('blackhole', 'current');
    await reopened('after the half-open connection');
    await flowing(server, 'traffic');
    await finish(socket, ledger); // storms in closing and closed are refused and reported
    expect([...visited].sort()).toEqual(['closed', 'closing', 'connecting', 'open', 'reconnecting']);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    expect(audit.dropped).toBeGreaterThanOrEqual(10); // at least the storm in CLOSED
    tally.add(5, audit);
  });

  it('a server that never answers the handshake: CONNECT_TIMEOUT, retries, then a connection once it answers', async () => {
    const { server, proxy, socket, ledger, log } = await rig({ connectTimeout: 300 }, (p) => p.set('blackhole', 'new'));
    ledger.send(10);
    const started = Date.now();
    await until(() => log.filter((l) => l === 'error:CONNECT_TIMEOUT').length === 2, 5000, 'two timeouts');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect(socket.readyState).toBe(0);
    await proxy.set('pass', 'new');
    await until(() => socket.readyState === 1, 5000, 'open');
    await finish(socket, ledger);
    expect(log.slice(0, 4)).toEqual(['error:CONNECT_TIMEOUT', 'close:1006:r', 'error:CONNECT_TIMEOUT', 'close:1006:r']);
    expect(server.connections).toBe(1); // the blackholed attempts never reached it
    expect(ledger.audit()).toMatchObject({ delivered: 10, unreported: 0 });
    tally.add(1, ledger.audit());
  });
});
