/**
 * Chaos: servers that accept and then drop at once, drop after a short uptime, ask for a
 * later retry (1012/1013), or refuse for good (1008). The attempt rate must stay bounded
 * by the backoff (and minUptime), the close-code policy must be followed, and the
 * messages must still be accounted for.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as ServerSocket } from 'ws';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { ManualClock } from '../helpers/manual-clock';
import { Ledger, Stage, Tally, quiet, until } from './harness';

const stage = new Stage();
afterEach(() => stage.teardown());
const tally = new Tally('flapping');
afterAll(() => tally.print());

/** A server whose connection `n` (from 1) does `behaviour(n)`; the proxy in front of it. */
async function rig(behaviour: (ws: ServerSocket, n: number) => void, options: SteadySocketOptions = {}) {
  const accepted: number[] = [];
  const rigged = await stage.rig({
    behaviour: (ws) => {
      accepted.push(Date.now());
      behaviour(ws, accepted.length);
    },
    options,
  });
  const { socket } = rigged;
  const retries: { attempt: number; delay: number; at: number; code: number }[] = [];
  socket.on('reconnecting', (e) => retries.push({ attempt: e.attempt, delay: e.delay, at: Date.now(), code: e.lastClose.code }));
  const log: string[] = [];
  socket.on('close', (e) => log.push(`close:${e.code}:${e.willReconnect ? 'r' : 'final'}`));
  socket.on('error', (e) => log.push(`error:${e.error.code}`));
  return { ...rigged, accepted, retries, log };
}

async function finish(socket: SteadySocket, ledger: Ledger): Promise<void> {
  ledger.stop();
  await until(() => socket.readyState === 1 && socket.stats.queued === 0 && socket.bufferedAmount === 0, 5000, 'the queue to drain');
  socket.close();
  await until(() => socket.readyState === 3, 5000, 'CLOSED');
}

describe('chaos: flapping servers and the close-code policy', { timeout: 30_000 }, () => {
  it('a server that accepts and drops at once: attempts spaced by the growing backoff, never a tight loop', async () => {
    let flapping = true;
    const { socket, ledger, accepted, retries } = await rig((ws) => flapping && ws.terminate(), {
      minDelay: 20, maxDelay: 320, factor: 2, jitter: 'equal', minUptime: 1000,
    });
    ledger.stream(5);
    await until(() => accepted.length >= 8, 10_000, 'eight attempts');
    flapping = false;
    const window = accepted.slice(0, 8);
    // Each wait is at least the delay announced for it (equal jitter: at least half the cap), and the caps grow.
    for (let i = 1; i < window.length; i++) {
      const retry = retries[i - 1]!;
      expect(retry.attempt).toBe(i); // never reset: no connection stayed up minUptime
      const cap = Math.min(320, 20 * 2 ** (i - 1));
      expect(retry.delay).toBeGreaterThanOrEqual(cap / 2);
      expect(retry.delay).toBeLessThanOrEqual(cap);
      expect(window[i]! - window[i - 1]!).toBeGreaterThanOrEqual(retry.delay - 5);
    }
    // Eight attempts took at least the sum of the shortest waits: 10 + 20 + 40 + 80 + 160 + 160 + 160 ms.
    expect(window[7]! - window[0]!).toBeGreaterThanOrEqual(630 - 10);
    await until(() => socket.readyState === 1 && accepted.length > 8, 5000, 'a connection that stays');
    ledger.send(20);
    await finish(socket, ledger);
    const audit = ledger.audit();
    expect(audit.unreported).toBe(0);
    tally.add(8, audit);
  });

  it('a server that drops after a short uptime: the backoff resets only after a connection lasted minUptime', async () => {
    const { socket, ledger, retries } = await rig(
      (ws, n) => void setTimeout(() => ws.close(1001, 'going away'), n <= 6 ? 40 : n === 7 ? 500 : 60_000),
      { minDelay: 10, maxDelay: 80, minUptime: 300, jitter: 'full' },
    );
    ledger.stream(5);
    await until(() => retries.length >= 7, 10_000, 'seven losses');
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6, 1]); // the seventh connection stayed 500 ms ≥ minUptime
    expect(retries.every((r) => r.code === 1001)).toBe(true);
    await until(() => socket.readyState === 1 && socket.stats.reconnects === 7, 5000, 'the eighth connection');
    await finish(socket, ledger);
    const audit = ledger.audit();
    expect(audit).toMatchObject({ lost: 0, unreported: 0 }); // closed with a handshake: nothing in flight is lost
    tally.add(7, audit);
  });

  it('1012 Service Restart: the retry waits a random 5–30 s, even above maxDelay (on the injected clock)', async () => {
    const clock = new ManualClock();
    const { server, socket, ledger, retries, accepted } = await rig(
      (ws, n) => n === 1 && setTimeout(() => ws.close(1012, 'restarting'), 20),
      { clock, minDelay: 10, maxDelay: 100 },
    );
    clock.advance(0); // the first attempt starts after the task that made the socket
    await until(() => retries.length === 1, 5000, 'the 1012 close');
    const { delay, code } = retries[0]!;
    expect(code).toBe(1012);
    expect(delay).toBeGreaterThanOrEqual(5000);
    expect(delay).toBeLessThanOrEqual(30_000);
    ledger.send(10); // they wait in the queue
    clock.advance(delay - 1);
    await quiet(200);
    expect(accepted).toHaveLength(1);
    clock.advance(1);
    await until(() => socket.readyState === 1, 5000, 'the retry');
    await until(() => server.byConnection.get(2)?.length === 10, 5000, 'the queued messages');
    await finish(socket, ledger);
    expect(ledger.audit()).toMatchObject({ delivered: 10, unreported: 0 });
    tally.add(1, ledger.audit());
  });

  it('1013 Try Again Later: no retry before 5 s in real time; reconnect() skips the wait, and queued messages arrive once', async () => {
    const { server, socket, ledger, retries, accepted, log } = await rig((ws, n) => n === 1 && ws.close(1013, 'overloaded'), {
      minDelay: 10, maxDelay: 100,
    });
    await until(() => retries.length === 1, 5000, 'the 1013 close');
    expect(retries[0]!.delay).toBeGreaterThanOrEqual(5000);
    ledger.send(10);
    await quiet(300);
    expect(accepted).toHaveLength(1);
    expect(socket.connectionState).toBe('reconnecting');
    socket.reconnect();
    await until(() => socket.readyState === 1, 5000, 'reconnect()');
    await until(() => server.byConnection.get(2)?.length === 10, 5000, 'the queued messages');
    await finish(socket, ledger);
    expect(log).toEqual(['close:1013:r', 'close:1005:final']);
    expect(ledger.audit()).toMatchObject({ delivered: 10, unreported: 0 });
    tally.add(1, ledger.audit());
  });

  it('shouldReconnect overrides "later": 1013 retried after the 250 ms it returns', async () => {
    const { socket, ledger, accepted } = await rig((ws, n) => n <= 3 && ws.close(1013), {
      shouldReconnect: (e) => (e.code === 1013 ? 250 : true),
    });
    ledger.stream(5);
    await until(() => accepted.length === 4 && socket.readyState === 1, 5000, 'the fourth connection');
    for (let i = 1; i < 4; i++) expect(accepted[i]! - accepted[i - 1]!).toBeGreaterThanOrEqual(245);
    await finish(socket, ledger);
    expect(ledger.audit().unreported).toBe(0);
    tally.add(3, ledger.audit());
  });

  it('1008 Policy Violation: no retry, CLOSED, the queued messages each reported dropped', async () => {
    const { proxy, socket, ledger, log } = await rig((ws) => setTimeout(() => ws.close(1008, 'not allowed'), 20), { minDelay: 10 });
    await until(() => socket.readyState === 1, 5000, 'open');
    await until(() => socket.readyState === 3, 5000, 'CLOSED');
    ledger.send(10); // after the final close: refused, reported
    await quiet(200);
    expect(proxy.connections).toBe(1);
    expect(log).toEqual(['error:POLICY_VIOLATION', 'close:1008:final']);
    const audit = ledger.audit();
    expect(audit).toMatchObject({ sent: 10, dropped: 10, unreported: 0 });
    tally.add(1, audit);
  });
});
