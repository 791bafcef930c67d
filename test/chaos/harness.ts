/**
 * What the chaos scenarios share: a real `ws` server that records what each connection
 * received, a client WebSocket that records what was written to each connection, and the
 * ledger that accounts for every numbered message the client sent — delivered, dropped
 * with a `drop` event, or lost in flight on a connection that died — and fails on any other
 * fate. Each file prints one `[reliability] chaos …` line with its totals.
 */
import WebSocket from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { SteadySocket } from '../../src/socket/index';
import type { DropEvent, SteadySocketOptions, WebSocketConstructor } from '../../src/socket/index';
import { FaultProxy } from '../fault-proxy';
import { TestServer } from '../integration/server';
import { report } from '../property/seed';

export { until } from '../integration/server';

/** Waits `ms` of real time: only where a test must show that nothing happens meanwhile. */
export const quiet = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One native connection as the client saw it. */
export interface ClientConnection {
  readonly id: number;
  /** Text written with send() while the native socket was OPEN, in order. */
  readonly written: string[];
  /** The native close, once it came; `clean` unless 1006 (no closing handshake: the connection died). */
  closed?: { code: number; clean: boolean };
  /** The native readyState now: CLOSING (2) for one the client let go of that is still closing. */
  readyState?: () => number;
}

/**
 * A `ws` WebSocket constructor for `options.WebSocket` that numbers each connection (in the
 * URL, as `?conn=N`, so the server knows it too) and records what is written to it.
 */
export function trackingWebSocket(): { WebSocket: WebSocketConstructor; connections: ClientConnection[] } {
  const connections: ClientConnection[] = [];
  function Tracked(url: string, protocols?: string | string[]) {
    const conn: ClientConnection = { id: connections.length + 1, written: [] };
    connections.push(conn);
    const address = new URL(url);
    address.searchParams.set('conn', String(conn.id));
    const ws = new WebSocket(address, protocols);
    conn.readyState = () => ws.readyState;
    const send = ws.send.bind(ws) as (data: unknown) => void;
    // Only what an OPEN socket takes counts as written; ws silently discards the rest.
    (ws as { send: (data: unknown) => void }).send = (data) => {
      if (typeof data === 'string' && ws.readyState === WebSocket.OPEN) conn.written.push(data);
      send(data);
    };
    ws.on('close', (code: number) => (conn.closed = { code, clean: code !== 1006 }));
    return ws;
  }
  return { WebSocket: Tracked as unknown as WebSocketConstructor, connections };
}

/** A restartable `ws` server that records, per client connection number, the text it received. */
export class ChaosServer extends TestServer {
  readonly byConnection = new Map<number, string[]>();

  constructor(behaviour: (socket: ServerSocket, server: ChaosServer) => void = () => {}) {
    super((socket, server) => {
      const self = server as ChaosServer;
      const url = new URL(server.requests.at(-1)!.url ?? '/', 'http://x');
      const list: string[] = [];
      self.byConnection.set(Number(url.searchParams.get('conn')), list);
      socket.on('message', (data, isBinary) => !isBinary && list.push(data.toString()));
      behaviour(socket, self);
    });
  }
}

/** What became of the numbered messages; see {@link Ledger.audit}. */
export interface Audit {
  sent: number;
  delivered: number;
  dropped: number;
  lost: number;
  unreported: number;
}

const NUMBERED = /^n:(\d+)$/;
const numberOf = (data: unknown) => (typeof data === 'string' ? NUMBERED.exec(data)?.[1] : undefined);

/** The part of a SteadySocket the ledger uses. */
interface Sender {
  send(data: string): boolean;
  on(event: 'drop', listener: (event: DropEvent) => void): unknown;
}

/**
 * Sends numbered messages (`n:0`, `n:1`, …) and accounts for each of them at the end.
 */
export class Ledger {
  private next = 0;
  private readonly refused = new Set<number>();
  private readonly dropped = new Map<number, string[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Sender,
    private readonly client: { connections: ClientConnection[] },
    private readonly server: ChaosServer,
  ) {
    socket.on('drop', (e) => {
      const n = numberOf(e.data);
      if (n !== undefined) this.dropped.set(Number(n), [...(this.dropped.get(Number(n)) ?? []), e.reason]);
    });
  }

  /** Messages sent so far. */
  get sent(): number {
    return this.next;
  }

  send(count = 1): void {
    for (let i = 0; i < count; i++) {
      const n = this.next++;
      if (!this.socket.send(`n:${n}`)) this.refused.add(n);
    }
  }

  /** A steady stream: one message every `ms` until {@link stop}. */
  stream(ms = 2): void {
    this.stop();
    this.timer = setInterval(() => this.send(), ms);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Compares what the server received on each connection with what the client wrote to
   * it and reported. Throws on: a message received twice or out of order, a connection
   * that received something other than a prefix of what was written to it, a message both
   * delivered and dropped or dropped twice, a refused send() without one drop event, a
   * message lost from a connection that closed cleanly or is still open (a leaked native
   * socket), and any message with no fate.
   */
  audit(): Audit {
    this.stop();
    const problems: string[] = [];
    const writtenTo = new Map<number, ClientConnection>();
    const received = new Set<number>();
    let last = -1;
    for (const conn of this.client.connections) {
      const written = conn.written.map(numberOf).filter((n) => n !== undefined).map(Number);
      const got = (this.server.byConnection.get(conn.id) ?? []).map(numberOf).filter((n) => n !== undefined).map(Number);
      for (const n of written) {
        if (writtenTo.has(n)) problems.push(`n:${n} written to connections ${writtenTo.get(n)!.id} and ${conn.id}`);
        writtenTo.set(n, conn);
      }
      // TCP keeps order and loses only the tail: what arrived is a prefix of what was written.
      if (got.some((n, i) => written[i] !== n)) problems.push(`connection ${conn.id} received [${got.slice(0, 5)}…], not a prefix of what was written`);
      for (const n of got) {
        if (received.has(n)) problems.push(`n:${n} received twice`);
        if (n <= last) problems.push(`n:${n} received after n:${last}`);
        received.add(n);
        last = Math.max(last, n);
      }
    }
    const audit: Audit = { sent: this.next, delivered: 0, dropped: 0, lost: 0, unreported: 0 };
    for (let n = 0; n < this.next; n++) {
      const drops = this.dropped.get(n) ?? [];
      const conn = writtenTo.get(n);
      if (drops.length > 1) problems.push(`n:${n} reported dropped ${drops.length} times`);
      if (this.refused.has(n) && drops.length !== 1) problems.push(`n:${n} refused by send() without one drop event`);
      if (received.has(n)) {
        audit.delivered++;
        if (drops.length > 0) problems.push(`n:${n} delivered and reported dropped (${drops})`);
      } else if (drops.length === 1) {
        audit.dropped++;
        if (conn) problems.push(`n:${n} reported dropped (${drops}) after it was written`);
      } else if (conn && (conn.closed ? !conn.closed.clean : conn.readyState?.() === WebSocket.CLOSING)) {
        // Written to a connection that died before the server read it (or that the client
        // gave up on and that is still in ws's closing handshake timeout, as after a half-open one).
        audit.lost++;
      } else {
        audit.unreported++;
        const where = !conn ? 'never written, never reported' : conn.closed ? `written to connection ${conn.id}, which closed cleanly` : `written to connection ${conn.id}, which is still open`;
        problems.push(`n:${n} vanished: ${where}`);
      }
    }
    if (problems.length > 0) throw new Error(`${problems.length} problem(s):\n  ${problems.slice(0, 12).join('\n  ')}`);
    return audit;
  }
}

/** Totals of one chaos file, printed as one line when it ends. */
export class Tally {
  scenarios = 0;
  faults = 0;
  private readonly totals: Audit = { sent: 0, delivered: 0, dropped: 0, lost: 0, unreported: 0 };

  constructor(private readonly name: string) {}

  /** A scenario finished; `faults` injected in it; `audit` of its messages, if it had some. */
  add(faults: number, audit?: Audit): void {
    this.scenarios++;
    this.faults += faults;
    if (audit) for (const key of Object.keys(this.totals) as (keyof Audit)[]) this.totals[key] += audit[key];
  }

  print(): void {
    const t = this.totals;
    report(
      `chaos/${this.name}: ${this.scenarios} scenarios, ${this.faults} faults injected, ${t.sent} messages: ${t.delivered} delivered, ` +
        `${t.dropped} dropped with a drop event, ${t.lost} lost in flight on a dying connection (counted), ${t.unreported} unreported`,
    );
  }
}

/**
 * What every chaos scenario stands on: a ChaosServer doing `behaviour`, a FaultProxy in
 * front of it (`before` may set a fault before the client dials), and a SteadySocket
 * through the proxy on a tracking WebSocket, with its Ledger. `teardown()` (in afterEach)
 * stops them all, newest first.
 */
export class Stage {
  private readonly stops: (() => unknown)[] = [];

  async rig(
    setting: {
      behaviour?: (socket: ServerSocket, server: ChaosServer) => void;
      options?: SteadySocketOptions;
      before?: (proxy: FaultProxy) => Promise<void>;
    } = {},
  ) {
    const server = await new ChaosServer(setting.behaviour).start();
    this.stops.push(() => server.stop());
    const proxy = await new FaultProxy(server.port).start();
    this.stops.push(() => proxy.stop());
    await setting.before?.(proxy);
    const client = trackingWebSocket();
    const socket = new SteadySocket(proxy.url, { WebSocket: client.WebSocket, ...setting.options });
    this.stops.push(() => socket.close());
    const ledger = new Ledger(socket, client, server);
    return { server, proxy, client, socket, ledger };
  }

  async teardown(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}
