/**
 * Random sequences of user calls and network events against the fake socket and the
 * manual clock, checked after every step against what must always hold: no exception
 * escapes, every message is written or dropped exactly once and in order, requests all
 * settle, and nothing is left running after close(). A seeded generator keeps each
 * failure reproducible: the failing seed and step list are in the assertion message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SteadySocket } from '../src/steady-socket';
import { FakeSocket } from './helpers/fake-socket';
import { ManualClock } from './helpers/manual-clock';

afterEach(() => FakeSocket.reset());

const SEQUENCES = 400;
const STEPS = 60;

/** mulberry32: small, fast, good enough to drive a test. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Api = { echo: { request: string; reply: string }; chat: { receive: string; send: string } };

async function runSequence(seed: number): Promise<void> {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const clock = new ManualClock();
  FakeSocket.reset();
  const socket = new SteadySocket<Api>('ws://model.invalid/', {
    WebSocket: FakeSocket,
    clock,
    random: rand,
    lifecycleEvents: null,
    minDelay: 100,
    maxDelay: 2000,
    maxRetries: pick([Infinity, 2, 5]),
    connectTimeout: 3000,
    closeTimeout: 1000,
    heartbeat: pick([false, { interval: 1000, timeout: 500 }]),
    queue: { maxMessages: 5, maxBytes: 64, overflow: pick(['reject', 'drop-oldest'] as const), maxAge: pick([Infinity, 1500]), highWaterMark: 10 },
  });
  const steps: string[] = [];
  const fail = (why: string) => {
    throw new Error(`seed ${seed}: ${why}\nsteps:\n  ${steps.join('\n  ')}`);
  };
  // Every user message is a unique string "m<n>"; its fate is recorded here.
  let next = 0;
  const accepted = new Set<string>();
  const refused = new Set<string>();
  const dropped = new Map<string, number>();
  socket.on('drop', (e) => {
    if (typeof e.data === 'string' && e.data.startsWith('m')) dropped.set(e.data, (dropped.get(e.data) ?? 0) + 1);
  });
  let lastState = socket.connectionState;
  socket.on('state', (e) => {
    if (e.previous !== lastState) fail(`state event from ${e.previous}, but the last state was ${lastState}`);
    lastState = e.state;
  });
  const requests: { settled: boolean }[] = [];
  const record = (m: string, ok: boolean) => {
    (ok ? accepted : refused).add(m);
    // `true` means written or queued: it cannot have been dropped during the call itself.
    if (ok && dropped.has(m)) fail(`send(${m}) returned true but dropped it at once`);
  };
  const written = () =>
    FakeSocket.instances.flatMap((s) => s.sent).filter((m): m is string => typeof m === 'string' && m.startsWith('m'));

  const actions: [string, () => void][] = [
    ['send', () => {
      const m = `m${next++}`;
      record(m, socket.send(m));
    }],
    ['send connectionOnly', () => {
      const m = `m${next++}`;
      record(m, socket.send(m, { connectionOnly: true }));
    }],
    ['channel send', () => void socket.channel('chat').send('hi')],
    ['request', () => {
      const r = { settled: false };
      requests.push(r);
      socket.request('echo', 'q', { timeout: 2000, idempotent: rand() < 0.5 }).then(
        () => (r.settled = true),
        () => (r.settled = true),
      );
    }],
    ['close', () => socket.close(pick([undefined, 1000, 4000]))],
    ['reconnect', () => socket.reconnect()],
    ['native open', () => FakeSocket.instances.length && FakeSocket.last.readyState === 0 && FakeSocket.last.onopen && FakeSocket.last.serverOpen()],
    ['native message', () => {
      const s = FakeSocket.instances.at(-1);
      if (s?.onmessage) s.serverMessage(pick(['pong', 'junk', '{"channel":"chat","data":"x"}', `{"id":${1 + Math.floor(rand() * 5)},"data":"r"}`, '{"channel":"__proto__"}']));
    }],
    ['native close', () => {
      const s = FakeSocket.instances.at(-1);
      if (s?.onclose) s.serverClose(pick([1000, 1001, 1006, 1008, 1011, 1013, 4000]));
    }],
    ['native fail', () => {
      const s = FakeSocket.instances.at(-1);
      if (s?.onclose) s.fail();
    }],
    ['buffered', () => {
      const s = FakeSocket.instances.at(-1);
      if (s) s.bufferedAmount = pick([0, 0, 50, undefined]);
    }],
    ['advance', () => clock.advance(Math.floor(rand() * 3000))],
    ['jump', () => clock.jump(Math.floor(rand() * 10_000))],
  ];

  const check = () => {
    const out = written();
    const seen = new Set<string>();
    let previous = -1;
    for (const m of out) {
      if (seen.has(m)) fail(`${m} was written twice`);
      seen.add(m);
      const n = Number(m.slice(1));
      if (n < previous) fail(`${m} was written after m${previous}: order broken`);
      previous = n;
      if (dropped.has(m)) fail(`${m} was both written and dropped`);
      if (refused.has(m)) fail(`${m} was refused by send() yet written`);
    }
    for (const [m, times] of dropped) if (times > 1) fail(`${m} was dropped ${times} times`);
    for (const m of refused) if (dropped.get(m) !== 1) fail(`${m} was refused without exactly one drop event`);
    const live = FakeSocket.instances.slice(0, -1).filter((s) => s.liveHandlers > 0);
    if (live.length > 0) fail(`${live.length} discarded native socket(s) still have handlers`);
    if ([0, 1, 2, 3].indexOf(socket.readyState) < 0) fail(`readyState ${socket.readyState}`);
  };

  for (let i = 0; i < STEPS; i++) {
    const [name, act] = pick(actions);
    steps.push(name);
    try {
      act();
    } catch (error) {
      fail(`"${name}" threw ${String(error)}`);
    }
    check();
  }

  // The end: close for good, let everything run out.
  steps.push('final close');
  socket.close();
  FakeSocket.instances.at(-1)?.onclose && FakeSocket.last.serverClose(1000);
  // The final close settles every request at once, without waiting for their timeouts.
  await new Promise((resolve) => setImmediate(resolve));
  const hanging = requests.filter((r) => !r.settled).length;
  if (hanging > 0) fail(`${hanging} request(s) still pending after the final close`);
  clock.advance(60_000);
  check();
  if (clock.pending !== 0) fail(`${clock.pending} timer(s) still pending after close()`);
  for (const m of accepted) {
    if (!written().includes(m) && dropped.get(m) !== 1) fail(`${m} was accepted but neither written nor dropped`);
  }
  if (socket.readyState !== 3) fail(`readyState ${socket.readyState} after close()`);
  totalRequests += requests.length;
}

let totalRequests = 0;

describe('model-based: random sequences of calls and network events', () => {
  it(`${SEQUENCES} sequences of ${STEPS} steps keep every invariant`, async () => {
    const base = Number(process.env.MODEL_SEED ?? 20261122);
    for (let s = 0; s < SEQUENCES; s++) await runSequence(base + s);
    expect(totalRequests).toBeGreaterThan(100); // the generator really exercised requests
  });
});
