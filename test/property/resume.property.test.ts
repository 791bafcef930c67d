/**
 * Model-based test of `resume` (fast-check): a SteadySocket (on the FakeSocket) and the real
 * SessionServer (on a scripted `ws` stand-in) share one manual clock, joined by a network the
 * test drives frame by frame. Random steps: each side sends, frames in flight are delivered or
 * not, the connection is cut (whatever is in flight is lost), time passes, the server restarts
 * and forgets its sessions. Then the network heals and everything settles.
 *
 * What must hold: each side's application receives what the other sent exactly once and in
 * order within a session; a message the client sent is either received by the server or
 * reported `unconfirmed` — the latter only after the server lost a session; with no restart,
 * everything arrives and nothing is reported.
 *
 * Every run prints its seed; FC_SEED=<seed> replays it, FC_RUNS=<n> changes the number of runs.
 */
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket as WsSocket, WebSocketServer } from 'ws';
import { SessionServer, type Session } from '../../src/server/index';
import { SteadySocket } from '../../src/socket/index';
import { FakeSocket } from '../helpers/fake-socket';
import { ManualClock } from '../helpers/manual-clock';
import { report, seed } from './seed';

afterEach(() => FakeSocket.reset());

const RUNS = Number(process.env.FC_RUNS ?? 1000);

/** The server's end of one connection: what SessionServer and Session use of a `ws` socket. */
class ServerEnd extends EventEmitter {
  readyState = 1;
  binaryType = 'nodebuffer';
  constructor(
    readonly protocol: string,
    private readonly link: Link,
  ) {
    super();
  }
  send(data: string | Buffer, options?: { binary?: boolean }): void {
    if (this.readyState === 1) this.link.down.push(options?.binary ? Buffer.from(data) : String(typeof data === 'string' ? data : data.toString()));
  }
  close(): void {
    this.link.cut();
  }
  terminate(): void {
    this.link.cut();
  }
  ping(): void {}
}

/** One connection between the FakeSocket and a ServerEnd, with what is in flight each way. */
class Link {
  readonly up: unknown[] = [];
  readonly down: unknown[] = [];
  readonly server: ServerEnd;
  private taken = 0;
  alive = true;
  constructor(readonly client: FakeSocket) {
    this.server = new ServerEnd('steadysocket.1', this);
  }
  /** What the client wrote since the last look goes in flight. */
  collect(): void {
    while (this.taken < this.client.sent.length) this.up.push(this.client.sent[this.taken++]);
  }
  deliverUp(n: number): void {
    this.collect();
    for (const frame of this.up.splice(0, n)) {
      if (!this.alive) return;
      const data = typeof frame === 'string' ? Buffer.from(frame) : Buffer.from(frame as Uint8Array);
      this.server.emit('message', data, typeof frame !== 'string');
    }
  }
  deliverDown(n: number): void {
    for (const frame of this.down.splice(0, n)) {
      if (!this.alive) return;
      this.client.serverMessage(frame);
      this.collect();
    }
  }
  /** The connection dies: what is in flight is lost, both ends see it close. */
  cut(): void {
    if (!this.alive) return;
    this.alive = false;
    this.up.length = this.down.length = 0;
    this.server.readyState = 3;
    this.server.emit('close', 1006, Buffer.alloc(0));
    if (this.client.readyState < 3) this.client.serverClose(1006);
  }
}

class World {
  readonly clock = new ManualClock();
  readonly client: SteadySocket;
  readonly clientGot: string[] = [];
  readonly serverGot: string[] = [];
  readonly unconfirmed: string[] = [];
  readonly otherDrops: string[] = [];
  /** Per server session, in order: what its application sent. */
  readonly serverSent = new Map<Session, string[]>();
  restarts = 0;
  link: Link | undefined;
  private wss = new EventEmitter() as EventEmitter & { options: Record<string, unknown> };
  private server!: SessionServer;
  private sessions: Session[] = [];
  private nextClient = 0;
  private nextServer = 0;

  constructor() {
    this.startServer();
    this.client = new SteadySocket('ws://test.invalid/', {
      WebSocket: FakeSocket,
      clock: this.clock,
      random: () => 0.5,
      jitter: 'none',
      minDelay: 100,
      maxDelay: 400,
      lifecycleEvents: null,
      resume: { maxMessages: 4, maxBytes: 1000 },
      queue: { maxMessages: 100_000, maxBytes: 1e9 },
    });
    this.client.on('message', (e) => this.clientGot.push(String(e.data)));
    this.client.on('drop', (e) => (e.reason === 'unconfirmed' ? this.unconfirmed : this.otherDrops).push(String(e.data)));
    this.clock.advance(0);
    // Connected and welcomed: a session exists from the first step.
    this.accept();
    this.link!.deliverUp(1);
    this.link!.deliverDown(1);
  }

  startServer(): void {
    this.wss = Object.assign(new EventEmitter(), { options: {} });
    this.server = new SessionServer(this.wss as unknown as WebSocketServer, { clock: this.clock, pingInterval: 0, maxMessages: 3, maxBytes: 1000 });
    this.server.on('session', (session) => {
      this.sessions.push(session);
      this.serverSent.set(session, []);
      session.on('message', (data) => this.serverGot.push(String(data)));
    });
  }

  /** A pending attempt of the client is accepted by the server. */
  accept(): void {
    const native = FakeSocket.instances.at(-1);
    if (!native || native.readyState !== 0 || this.link?.client === native) return;
    this.link?.cut();
    const link = new Link(native);
    this.link = link;
    this.wss.emit('connection', link.server as unknown as WsSocket, { url: '/' });
    native.serverOpen('steadysocket.1');
    link.collect();
  }

  clientSend(): void {
    this.client.send(`c${this.nextClient++}`);
    this.link?.collect();
  }

  serverSend(): void {
    const session = this.sessions.at(-1);
    if (!session) return;
    const text = `s${this.nextServer++}`;
    if (session.send(text)) this.serverSent.get(session)!.push(text);
  }

  restart(): void {
    this.link?.cut();
    this.server.close();
    this.restarts++;
    this.startServer();
  }

  /** The network heals: attempts are accepted and frames delivered until nothing moves. */
  settle(): void {
    for (let round = 0; round < 200; round++) {
      this.accept();
      const link = this.link;
      if (link?.alive) {
        link.deliverUp(Infinity);
        link.deliverDown(Infinity);
      }
      this.clock.advance(250); // acks, backoff waits
      const quiet = link?.alive && link.up.length === 0 && link.down.length === 0 && this.client.readyState === 1 && this.client.stats.queued === 0 && this.client.stats.unacked === 0;
      // A session whose welcome was lost with its connection is never joined (the client could
      // not learn its token): it waits out its ttl. Only the joined one must be quiet.
      if (quiet && this.sessions.filter((s) => s.connected).every((s) => s.unacked === 0 && s.queued === 0)) return;
    }
    throw new Error(`never settled: state ${this.client.connectionState}, ${JSON.stringify(this.client.stats)}`);
  }

  get clientSent(): number {
    return this.nextClient;
  }
  get liveSession(): Session | undefined {
    return this.sessions.at(-1);
  }
}

type Step = { kind: 'clientSend' | 'serverSend' | 'accept' | 'cut' | 'restart' } | { kind: 'up' | 'down'; n: number } | { kind: 'advance'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'clientSend' as const }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'serverSend' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('up' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('down' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'accept' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cut' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(10, 150, 300, 1000) }) },
);

function play(world: World, steps: Step[]): void {
  for (const s of steps) {
    switch (s.kind) {
      case 'clientSend':
        world.clientSend();
        break;
      case 'serverSend':
        world.serverSend();
        break;
      case 'up':
        world.link?.deliverUp(s.n);
        break;
      case 'down':
        world.link?.deliverDown(s.n);
        break;
      case 'accept':
        world.accept();
        break;
      case 'cut':
        world.link?.cut();
        break;
      case 'restart':
        world.restart();
        break;
      case 'advance':
        world.clock.advance(s.ms);
        break;
    }
  }
  world.settle();
}

const numbers = (list: string[]) => list.map((t) => Number(t.slice(1)));
const increasing = (list: number[]) => list.every((n, i) => i === 0 || n > list[i - 1]!);

describe('resume, model-based', () => {
  it('without server restarts: every message each way arrives exactly once, in order, and nothing is reported', () => {
    const totals = { runs: 0, steps: 0, cuts: 0, up: 0, down: 0 };
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 120 }), (steps) => {
        const world = new World();
        play(world, steps);
        expect(world.serverGot).toEqual(Array.from({ length: world.clientSent }, (_, i) => `c${i}`));
        expect(world.clientGot).toEqual(world.serverSent.get(world.liveSession!) ?? []);
        expect(world.unconfirmed).toEqual([]);
        expect(world.otherDrops).toEqual([]);
        totals.runs++;
        totals.steps += steps.length;
        totals.cuts += steps.filter((s) => s.kind === 'cut').length;
        totals.up += world.serverGot.length;
        totals.down += world.clientGot.length;
      }),
      { seed, numRuns: RUNS },
    );
    report(`resume model: ${totals.runs} runs, ${totals.steps} steps, ${totals.cuts} cuts, ${totals.up} messages up and ${totals.down} down, each exactly once, in order, seed ${seed}`);
  });

  it('with server restarts: nothing twice, order kept, each client message received or reported unconfirmed', () => {
    const withRestarts = fc.oneof({ weight: 20, arbitrary: step }, { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) });
    const totals = { runs: 0, restarts: 0, unconfirmed: 0, up: 0 };
    fc.assert(
      fc.property(fc.array(withRestarts, { minLength: 20, maxLength: 120 }), (steps) => {
        const world = new World();
        play(world, steps);
        const got = numbers(world.serverGot);
        expect(new Set(got).size).toBe(got.length);
        expect(increasing(got)).toBe(true);
        const reported = new Set(numbers(world.unconfirmed));
        expect(reported.size).toBe(world.unconfirmed.length);
        for (let n = 0; n < world.clientSent; n++) expect(got.includes(n) || reported.has(n), `c${n}`).toBe(true);
        if (world.restarts === 0) expect(world.unconfirmed).toEqual([]);
        expect(world.otherDrops).toEqual([]);
        // The client's application: each server message at most once, in order.
        const down = numbers(world.clientGot);
        expect(new Set(down).size).toBe(down.length);
        expect(increasing(down)).toBe(true);
        totals.runs++;
        totals.restarts += world.restarts;
        totals.unconfirmed += world.unconfirmed.length;
        totals.up += got.length;
      }),
      { seed, numRuns: RUNS },
    );
    report(`resume model with restarts: ${totals.runs} runs, ${totals.restarts} restarts, ${totals.up} messages received by the server, ${totals.unconfirmed} reported unconfirmed, none twice, seed ${seed}`);
  });
});
