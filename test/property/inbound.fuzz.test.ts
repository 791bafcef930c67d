/**
 * Fuzzing of the inbound path: generated strings (any code point, lone surrogates,
 * oversized), bytes, JSON values and envelope-shaped objects with hostile fields, fed to a
 * SteadySocket with a channel client on it (channels: one validated, one not, one named
 * `__proto__`), requests in flight and a heartbeat whose isPong may throw. Each message is classified by an oracle
 * written from the contract (API.md §5); then: nothing throws out, raw `message` listeners
 * see every message but pongs, exactly the predicted `invalid` event for a bad one, typed
 * listeners only get valid data (deep-equal to what was sent), replies settle their request.
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { channels, jsonCodec, typePayloadCodec, type Codec } from '../../src/channels/index';
import { FakeSocket } from '../helpers/fake-socket';
import { fakeSocket } from '../helpers/setup';
import { report, seed } from './seed';

afterEach(() => FakeSocket.reset());

const RUNS = 2000;
const MAX_SIZE = 200;
const totals = { messages: 0, invalid: 0, typed: 0, replies: 0, binary: 0 };
afterAll(() =>
  report(
    `inbound fuzz: ${totals.messages} generated messages (${totals.binary} binary, ${totals.typed} delivered typed, ` +
      `${totals.invalid} reported invalid, ${totals.replies} replies), 0 thrown, seed ${seed}`,
  ),
);

type Chat = { text: string };
type Api = {
  chat: { receive: Chat };
  raw: { receive: unknown };
  ['__proto__']: { receive: unknown };
  echo: { request: unknown; reply: unknown };
};
const isChat = (value: unknown): value is Chat =>
  typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';
/** Channels the socket knows; the rest are unknown. */
const CHANNELS = ['chat', 'raw', '__proto__'] as const;

// ---- what arrives ----

const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('chat', 'chat', 'raw', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'nope', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const payload = fc.oneof(
  { weight: 3, arbitrary: fc.record({ text: fc.string({ unit: 'binary', maxLength: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ text: fc.jsonValue({ maxDepth: 1 }) }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const id = fc.oneof(fc.integer({ min: -1, max: 7 }), fc.double(), fc.string({ maxLength: 3 }), fc.constant(null));
const envelope = fc.record({ channel: name, data: payload, id, error: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });
const typePayload = fc.record({ type: name, payload, id, error: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)), maxLength: 12 });

const text = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 4, arbitrary: envelope.map((e) => JSON.stringify(e)) },
  { weight: 2, arbitrary: typePayload.map((e) => JSON.stringify(e)) },
  { weight: 1, arbitrary: fc.tuple(envelope, fc.string({ minLength: MAX_SIZE, maxLength: 2 * MAX_SIZE })).map(([e, pad]) => JSON.stringify({ ...e, pad })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'pong', 'null', '{}', '[]', '""', '{"channel":"chat"}', '{"__proto__":{"channel":"chat","data":{"text":"x"}}}',
      '{"channel":"__proto__","data":1}', '{"id":1}', '{"id":1,"error":null}', '{"id":1e999}', '{"channel":"chat","data":{"text":"ok"}}',
      '{"channel":"chat","data":{"text":"ok"},"channel":"raw"}', '{"channel":"constructor","data":{}}',
    ),
  },
);
const bytes = fc.uint8Array({ maxLength: 48 }).chain((u) =>
  fc.constantFrom<unknown>(u.buffer, u, Buffer.from(u), new Blob([u])),
);
const message = fc.oneof({ weight: 6, arbitrary: text }, { weight: 1, arbitrary: bytes });

// ---- the oracle ----

type Expect =
  | { kind: 'binary' | 'pong' | 'late-reply' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'typed'; channel: string; value: unknown }
  | { kind: 'reply'; id: number; outcome: 'resolved' | 'rejected'; value?: unknown; invalid?: boolean };

interface Oracle {
  readonly codec: 'json' | 'type-payload';
  readonly pending: Set<number>;
  /** Requests a reply settled: another reply to one of them is the server's mistake. */
  readonly answered: Set<number>;
  readonly nextId: number;
  readonly isPong: (data: unknown) => boolean;
}

function classify(data: unknown, o: Oracle): Expect {
  let pong = false;
  try {
    pong = o.isPong(data) === true;
  } catch {
    pong = false;
  }
  if (pong) return { kind: 'pong' };
  if (typeof data !== 'string') return { kind: 'binary' };
  if (data.length > MAX_SIZE) return { kind: 'invalid', reason: 'too-large' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { kind: 'invalid', reason: 'undecodable' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'invalid', reason: 'undecodable' };
  const m = parsed as Record<string, unknown>;
  const [channel, value] = o.codec === 'json' ? [m.channel, m.data] : [m.type, m.payload];
  const replyId = m.id;
  if (channel === undefined && typeof replyId === 'number') {
    if (o.pending.has(replyId)) {
      if ('error' in m) return { kind: 'reply', id: replyId, outcome: 'rejected' };
      if (replyId === 3 && !isNumber(value)) return { kind: 'reply', id: replyId, outcome: 'rejected', invalid: true };
      return { kind: 'reply', id: replyId, outcome: 'resolved', value };
    }
    if (o.answered.has(replyId)) return { kind: 'invalid', reason: 'unknown-reply' };
    return replyId >= 1 && replyId < o.nextId ? { kind: 'late-reply' } : { kind: 'invalid', reason: 'unknown-reply' };
  }
  if (typeof channel !== 'string') return { kind: 'invalid', reason: 'shape' };
  if (!(CHANNELS as readonly string[]).includes(channel)) return { kind: 'invalid', reason: 'unknown-channel' };
  if (channel === 'chat' && !isChat(value)) return { kind: 'invalid', reason: 'validation' };
  return { kind: 'typed', channel, value };
}

// ---- the property ----

const config = fc.record({
  codec: fc.constantFrom<'json' | 'type-payload'>('json', 'type-payload'),
  heartbeat: fc.constantFrom('off', 'pong', 'throwing'),
});

describe('inbound path (fuzzed)', () => {
  it('classifies every generated message as the contract says, and nothing throws out', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const reported: unknown[] = [];
    const g = globalThis as { reportError?: (error: unknown) => void };
    const previousReport = g.reportError;
    g.reportError = (error) => reported.push(error);
    try {
      await fc.assert(
        fc.asyncProperty(config, fc.array(message, { maxLength: 40, size: 'max' }), async (cfg, batch) => {
          const isPong =
            cfg.heartbeat === 'throwing'
              ? (d: unknown) => {
                  if (typeof d === 'string' && d.startsWith('{')) throw new Error('isPong blew up');
                  return d === 'pong';
                }
              : (d: unknown) => d === 'pong';
          const codec: Codec = cfg.codec === 'json' ? jsonCodec : typePayloadCodec;
          const { socket, clock, native } = fakeSocket(cfg.heartbeat === 'off' ? {} : { heartbeat: { interval: 60_000, timeout: 60_000, isPong } });
          const api = channels<Api>(socket, { codec, maxMessageSize: MAX_SIZE, clock });
          native().serverOpen();
          const seen = { raw: 0, invalid: [] as string[], typed: [] as [string, unknown][] };
          socket.addEventListener('message', () => seen.raw++);
          api.on('invalid', (e) => seen.invalid.push(e.reason));
          for (const channel of CHANNELS) {
            const ch = channel === 'chat' ? api.channel('chat', { validate: isChat }) : api.channel(channel);
            ch.on('message', (value: unknown) => seen.typed.push([channel, value]));
          }
          const outcomes = new Map<number, { outcome: string; value?: unknown }>();
          for (const n of [1, 2, 3]) {
            api
              .request('echo', n, { timeout: Infinity, ...(n === 3 ? { validate: isNumber } : {}) })
              .then((value) => outcomes.set(n, { outcome: 'resolved', value }), () => outcomes.set(n, { outcome: 'rejected' }));
          }
          const oracle: Oracle = { codec: cfg.codec, pending: new Set([1, 2, 3]), answered: new Set(), nextId: 4, isPong: cfg.heartbeat === 'off' ? () => false : isPong };

          for (const data of batch) {
            const want = classify(data, oracle);
            const before = { raw: seen.raw, invalid: seen.invalid.length, typed: seen.typed.length };
            native().serverMessage(data); // throws out: the property fails
            totals.messages++;
            if (want.kind === 'binary') totals.binary++;
            expect(seen.raw - before.raw, 'raw message listeners').toBe(want.kind === 'pong' ? 0 : 1);
            const invalid = seen.invalid.slice(before.invalid);
            const typed = seen.typed.slice(before.typed);
            if (want.kind === 'invalid') {
              expect(invalid).toEqual([want.reason]);
              totals.invalid++;
            } else if (want.kind === 'reply' && want.invalid) {
              expect(invalid).toEqual(['validation']);
            } else expect(invalid).toEqual([]);
            if (want.kind === 'typed') {
              expect(typed).toEqual([[want.channel, want.value]]);
              if (want.channel === 'chat') expect(isChat(typed[0]![1])).toBe(true);
              totals.typed++;
            } else expect(typed).toEqual([]);
            if (want.kind === 'reply') {
              oracle.pending.delete(want.id);
              oracle.answered.add(want.id);
              await Promise.resolve();
              await Promise.resolve();
              expect(outcomes.get(want.id)).toEqual(want.outcome === 'resolved' ? { outcome: 'resolved', value: want.value } : { outcome: 'rejected' });
              totals.replies++;
            }
          }
          expect(socket.stats.messagesReceived).toBe(seen.raw);
          socket.close();
          native().serverClose(1000);
          await new Promise((resolve) => setImmediate(resolve));
          expect(outcomes.size).toBe(3); // the close settles what no reply settled
        }),
        { seed, numRuns: RUNS },
      );
      expect(reported).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      g.reportError = previousReport;
    }
  }, 120_000);
});
