/**
 * Chaos with `resume` (API.md §8): numbered messages flow both ways between a SteadySocket
 * and the reference SessionServer, through a proxy that resets, blackholes and refuses.
 * Every message must arrive exactly once and in order, or — only when the server lost the
 * session — be reported `unconfirmed` by the client.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SessionServer, type Session } from '../../src/server/index';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { FaultProxy } from '../fault-proxy';
import { Tally, until } from './harness';
import { report } from '../property/seed';

/** A SessionServer on a real http server that can crash and come back on the same port, with or without its sessions. */
class SessionHost {
  port = 0;
  /** What the server's sessions received, in order, across every session. */
  readonly received: string[] = [];
  readonly sessions: Session[] = [];
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  server: SessionServer | undefined;

  constructor(private readonly onSession: (session: Session) => void = () => {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<this> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const server = new SessionServer(wss, { sessionTtl: 60_000, pingInterval: 0 });
    server.on('session', (session) => {
      this.sessions.push(session);
      session.on('message', (data) => this.received.push(String(data)));
      this.onSession(session);
    });
    http.listen(this.port, '127.0.0.1');
    await once(http, 'listening');
    this.port = (http.address() as AddressInfo).port;
    Object.assign(this, { http, wss, server });
    return this;
  }

  /** A crash: every connection dropped without a closing handshake, every session forgotten. */
  async stop(): Promise<void> {
    const { http, wss, server } = this;
    if (!http || !wss || !server) return;
    this.http = this.wss = this.server = undefined;
    server.close();
    wss.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});
const tally = new Tally('resume');
afterAll(() => tally.print());

async function rig(options: SteadySocketOptions = {}, onSession?: (session: Session) => void) {
  const host = await new SessionHost(onSession).start();
  stops.push(() => host.stop());
  const proxy = await new FaultProxy(host.port).start();
  stops.push(() => proxy.stop());
  const socket = new SteadySocket(proxy.url, {
    WebSocket,
    resume: true,
    minDelay: 10,
    maxDelay: 100,
    heartbeat: { interval: 150, timeout: 250 },
    queue: { maxMessages: 100_000, maxBytes: 100_000_000 },
    ...options,
  });
  stops.push(() => socket.close());
  const client = { received: [] as string[], opens: [] as boolean[], drops: [] as { data: string; reason: string }[], errors: [] as string[] };
  socket.on('message', (e) => client.received.push(String(e.data)));
  socket.on('open', (e) => client.opens.push(e.resumed));
  socket.on('drop', (e) => client.drops.push({ data: String(e.data), reason: e.reason }));
  socket.on('error', (e) => client.errors.push(e.error.code));
  await until(() => socket.readyState === 1, 5000, 'the first open');
  return { host, proxy, socket, client };
}

/** `n` numbered messages `${prefix}0…`, a few every ms, until all are sent. */
function stream(total: number, send: (text: string) => void, prefix: string): { sent: () => number; done: Promise<void> } {
  let next = 0;
  const done = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < 3 && next < total; i++) send(`${prefix}${next++}`);
      if (next === total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
    stops.push(() => clearInterval(timer));
  });
  return { sent: () => next, done };
}

const numbered = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('chaos: resume under faults, both directions', { timeout: 60_000 }, () => {
  it('3,000 messages each way through 12 faults (resets, blackholes, refusals): each exactly once, in order, one session', async () => {
    let serverSide: Session | undefined;
    const { host, proxy, socket, client } = await rig({}, (session) => (serverSide = session));
    await until(() => serverSide !== undefined, 5000, 'the session');
    const up = stream(3000, (text) => socket.send(text), 'c');
    const down = stream(3000, (text) => serverSide!.send(text), 's');
    const faults: (() => Promise<void>)[] = [
      async () => proxy.reset(),
      async () => {
        await proxy.set('blackhole', 'current'); // half-open: the heartbeat must find it
      },
      async () => {
        await proxy.set('down');
        proxy.reset(); // the connection dies, and new attempts are refused for a while
        await new Promise((r) => setTimeout(r, 150));
        await proxy.set('pass');
      },
    ];
    for (let i = 0; i < 12; i++) {
      const before = client.opens.length;
      await until(() => up.sent() >= (i + 1) * 200 && down.sent() >= (i + 1) * 200, 10_000, `traffic before fault ${i + 1}`);
      await faults[i % 3]!();
      await until(() => client.opens.length > before && socket.readyState === 1, 10_000, `resume after fault ${i + 1}`);
    }
    await Promise.all([up.done, down.done]);
    await until(() => host.received.length >= 3000 && client.received.length >= 3000, 20_000, 'everything delivered');
    await until(() => socket.stats.unacked === 0 && serverSide!.unacked === 0, 5000, 'everything acknowledged');

    expect(host.received).toEqual(numbered(3000, 'c'));
    expect(client.received).toEqual(numbered(3000, 's'));
    expect(client.drops).toEqual([]);
    expect(host.sessions).toHaveLength(1);
    expect(client.opens[0]).toBe(false);
    expect(client.opens.slice(1).every(Boolean)).toBe(true);
    expect(client.opens.length).toBeGreaterThanOrEqual(13);
    expect(proxy.stats.faults).toBeGreaterThanOrEqual(12);
    report(`chaos/resume: 3000 + 3000 messages through ${proxy.stats.faults} faults, ${client.opens.length - 1} resumed opens, 0 lost, 0 duplicated`);
    tally.add(proxy.stats.faults, { sent: 6000, delivered: 6000, dropped: 0, lost: 0, unreported: 0 });
  });

  it('flapping: the connection dies every 40–120 ms for 3 s under traffic both ways; then each message arrives once, in order', async () => {
    let serverSide: Session | undefined;
    const { host, proxy, socket, client } = await rig({}, (session) => (serverSide = session));
    await until(() => serverSide !== undefined, 5000, 'the session');
    const up = stream(1500, (text) => socket.send(text), 'c');
    const down = stream(1500, (text) => serverSide!.send(text), 's');
    const until3s = Date.now() + 3000;
    let flaps = 0;
    while (Date.now() < until3s) {
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.floor(Math.random() * 80)));
      proxy.reset();
      flaps++;
    }
    await Promise.all([up.done, down.done]);
    await until(() => host.received.length >= 1500 && client.received.length >= 1500, 20_000, 'everything delivered');
    await until(() => socket.stats.unacked === 0 && serverSide!.unacked === 0, 5000, 'everything acknowledged');
    expect(host.received).toEqual(numbered(1500, 'c'));
    expect(client.received).toEqual(numbered(1500, 's'));
    expect(client.drops).toEqual([]);
    expect(host.sessions).toHaveLength(1);
    expect(flaps).toBeGreaterThan(20);
    tally.add(flaps, { sent: 3000, delivered: 3000, dropped: 0, lost: 0, unreported: 0 });
  });

  it('a server restart that loses its sessions: resumed false, the unknown ones reported unconfirmed, none twice, order kept', async () => {
    const { host, socket, client } = await rig();
    const up = stream(2000, (text) => socket.send(text), 'c');
    await until(() => host.received.length >= 500, 10_000, 'traffic');
    await host.stop();
    await host.start(); // same port, no sessions
    await until(() => client.opens.length === 2 && socket.readyState === 1, 10_000, 'the reconnect');
    await up.done;
    await until(() => socket.stats.queued === 0 && socket.stats.unacked === 0, 10_000, 'everything acknowledged');

    expect(client.opens).toEqual([false, false]);
    expect(client.errors).not.toContain('RESUME_UNSUPPORTED');
    expect(host.sessions).toHaveLength(2);
    const got = host.received.map((t) => Number(t.slice(1)));
    // Order kept, nothing twice.
    expect(got.every((n, i) => i === 0 || n > got[i - 1]!)).toBe(true);
    const unconfirmed = client.drops.map((d) => Number(d.data.slice(1)));
    expect(client.drops.every((d) => d.reason === 'unconfirmed')).toBe(true);
    // Each message is delivered, or reported unconfirmed (it may also have reached the server that crashed).
    const delivered = new Set(got);
    const reported = new Set(unconfirmed);
    expect(reported.size).toBe(unconfirmed.length);
    const fates = numbered(2000, '').map((_, n) => delivered.has(n) || reported.has(n));
    expect(fates.every(Boolean)).toBe(true);
    // None reported unconfirmed was sent again on the new session.
    const secondSession = host.received.slice(host.received.length - host.sessions[1]!.received).map((t) => Number(t.slice(1)));
    expect(secondSession.filter((n) => reported.has(n))).toEqual([]);
    tally.add(1, { sent: 2000, delivered: delivered.size, dropped: unconfirmed.filter((n) => !delivered.has(n)).length, lost: 0, unreported: 0 });
  });
});
