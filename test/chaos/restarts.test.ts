/**
 * Chaos: the server or the network goes away under a steady stream of numbered messages —
 * server crashes, connection resets, a refusing network, an outage longer than the queue.
 * Each scenario ends with the ledger's audit of what the server received per connection.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import { channels } from '../../src/channels/index';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { ChaosServer, Ledger, Stage, Tally, until } from './harness';

const stage = new Stage();
afterEach(() => stage.teardown());
const tally = new Tally('restarts');
afterAll(() => tally.print());

/** Answers requests (`{"channel":"echo","id":N,"data":X}` → `{"id":N,"data":X}`). */
function answers(ws: ServerSocket): void {
  ws.on('message', (raw) => {
    const text = raw.toString();
    if (!text.startsWith('{')) return;
    const { id, data } = JSON.parse(text) as { id: number; data: unknown };
    ws.send(JSON.stringify({ id, data }));
  });
}

async function rig(options: SteadySocketOptions = {}) {
  const rigged = await stage.rig({
    behaviour: answers,
    options: { minDelay: 10, maxDelay: 100, queue: { maxMessages: 100_000, maxBytes: 100_000_000 }, ...options },
  });
  const { socket } = rigged;
  const errors: string[] = [];
  socket.on('error', (e) => errors.push(e.error.code));
  const closes: string[] = [];
  socket.on('close', (e) => closes.push(`${e.code}:${e.willReconnect ? 'r' : 'final'}`));
  await until(() => socket.readyState === 1, 5000, 'the first open');
  return { ...rigged, errors, closes };
}

const receivedTotal = (server: ChaosServer) => [...server.byConnection.values()].reduce((n, list) => n + list.length, 0);

/** Waits for more traffic to reach the server: the stream is flowing on the current connection. */
async function flowing(server: ChaosServer, what: string, more = 20): Promise<void> {
  const from = receivedTotal(server);
  await until(() => receivedTotal(server) >= from + more, 5000, what);
}

/** Stops the stream, lets the queue drain, closes for good and waits for the closing handshake. */
async function finish({ socket, ledger }: { socket: SteadySocket; ledger: Ledger }): Promise<void> {
  ledger.stop();
  await until(() => socket.readyState === 1 && socket.stats.queued === 0 && socket.bufferedAmount === 0, 5000, 'the queue to drain');
  socket.close();
  await until(() => socket.readyState === 3, 5000, 'CLOSED');
}

describe('chaos: restarts and resets under a steady stream', { timeout: 30_000 }, () => {
  it('five server crashes: total order, no duplicates, losses only in flight on the crashed connection', async () => {
    const rigged = await rig();
    const { server, socket, ledger } = rigged;
    ledger.stream(2);
    for (let i = 1; i <= 5; i++) {
      await flowing(server, `traffic before crash ${i}`);
      await server.restart(); // every client connection is dropped without a closing handshake
      await until(() => socket.stats.reconnects >= i && socket.readyState === 1, 5000, `reconnect ${i}`);
    }
    await flowing(server, 'traffic after the last crash');
    await finish(rigged);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    expect(audit.delivered).toBeGreaterThan(100);
    expect(socket.stats.reconnects).toBe(5);
    tally.add(5, audit);
  });

  it('five connection resets (TCP RST both ways) by the network', async () => {
    const rigged = await rig();
    const { server, proxy, socket, ledger, closes } = rigged;
    ledger.stream(2);
    for (let i = 1; i <= 5; i++) {
      await flowing(server, `traffic before reset ${i}`);
      proxy.reset();
      await until(() => socket.stats.reconnects >= i && socket.readyState === 1, 5000, `reconnect ${i}`);
    }
    await flowing(server, 'traffic after the last reset');
    await finish(rigged);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    // ws reports a reset as an unclean close (no error event, unlike browsers): each one is a close 1006 and a reconnect.
    expect(closes.join(' ')).toBe([...Array(5).fill('1006:r'), '1005:final'].join(' '));
    tally.add(5, audit);
  });

  it('a network that resets then refuses connections for a while: messages wait and arrive once', async () => {
    const rigged = await rig();
    const { server, proxy, socket, ledger, errors } = rigged;
    ledger.stream(2);
    await flowing(server, 'traffic before the outage');
    await proxy.set('reset', 'current');
    await proxy.set('down');
    await until(() => errors.filter((e) => e === 'CONNECTION_ERROR').length >= 3, 5000, 'refused attempts');
    expect(socket.readyState).toBe(0);
    const waiting = socket.stats.queued;
    expect(waiting).toBeGreaterThan(0);
    await proxy.set('pass');
    await until(() => socket.readyState === 1, 5000, 'reconnect after the outage');
    await flowing(server, 'traffic after the outage', waiting + 20);
    await finish(rigged);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    tally.add(2, audit);
  });

  it('an outage longer than the queue holds: the overflow is refused and reported, the rest arrives in order', async () => {
    const rigged = await rig({ queue: { maxMessages: 50 } });
    const { server, socket, ledger } = rigged;
    ledger.stream(1);
    await flowing(server, 'traffic before the crash');
    await server.stop();
    await until(() => socket.readyState === 0 && socket.stats.queued === 50, 5000, 'a full queue');
    const before = socket.stats.dropped;
    await until(() => socket.stats.dropped > before, 5000, 'a send refused by the full queue');
    await server.start();
    await until(() => socket.readyState === 1, 5000, 'reconnect');
    await flowing(server, 'traffic after the outage', 70);
    await finish(rigged);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    expect(audit.dropped).toBeGreaterThan(0); // refused while full, each with one drop event
    tally.add(1, audit);
  });

  it('requests across three crashes: every one settles; idempotent ones are answered; the others are never sent twice', async () => {
    const rigged = await rig();
    const { server, socket } = rigged;
    const api = channels(socket, { requestTimeout: 4000 });
    const outcomes: Promise<string>[] = [];
    const ask = (i: number) => {
      const idempotent = i % 2 === 0;
      outcomes.push(
        api.request('echo', i, { idempotent }).then(
          (reply) => (reply === i ? `${idempotent ? 'idempotent' : 'once'}:answered` : `wrong reply ${String(reply)}`),
          (error: { code?: string }) => `${idempotent ? 'idempotent' : 'once'}:${error.code}`,
        ),
      );
    };
    let i = 0;
    const timer = setInterval(() => ask(i++), 3);
    try {
      for (let crash = 1; crash <= 3; crash++) {
        await until(() => i >= crash * 40, 5000, `requests before crash ${crash}`);
        await server.restart();
        await until(() => socket.stats.reconnects >= crash && socket.readyState === 1, 5000, `reconnect ${crash}`);
      }
      await until(() => i >= 160, 5000, 'requests after the crashes');
    } finally {
      clearInterval(timer);
    }
    const results = await Promise.all(outcomes); // every request settles
    const counts = results.reduce<Record<string, number>>((c, r) => ({ ...c, [r]: (c[r] ?? 0) + 1 }), {});
    expect(Object.keys(counts).sort()).toEqual(expect.arrayContaining(['idempotent:answered', 'once:answered']));
    for (const key of Object.keys(counts)) expect(['idempotent:answered', 'once:answered', 'once:CONNECTION_LOST']).toContain(key);
    // The server saw each non-idempotent request at most once.
    const seen = [...server.byConnection.values()].flat().map((m) => JSON.parse(m) as { id: number; data: number });
    const once = seen.filter((m) => m.data % 2 === 1).map((m) => m.id);
    expect(new Set(once).size).toBe(once.length);
    socket.close();
    tally.add(3);
  });
});
