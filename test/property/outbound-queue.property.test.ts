/**
 * The outbound queue (the Outbox of src/socket/outbox.ts, with no connection: every send
 * waits) against a reference written from its contract, over generated sequences of pushes
 * (back or front, connection-only), shifts, discards, closes, disconnects, take-alls and
 * time: FIFO order, byte accounting, bounds, and every message that leaves other than by
 * shift() reported exactly once, with its reason, to both the sink and its `onOutcome`.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import type { OverflowPolicy } from '../../src/socket/options';
import type { OutboundData } from '../../src/socket/data';
import type { DropReason, Outcome } from '../../src/socket/outbound-queue';
import { Outbox } from '../../src/socket/outbox';
import { ManualClock } from '../helpers/manual-clock';
import { report, seed } from './seed';

const RUNS = 3000;
let sequences = 0;
let operations = 0;
afterAll(() => report(`queue: ${sequences} generated sequences, ${operations} operations, seed ${seed}`));

interface Limits {
  maxMessages: number;
  maxBytes: number;
  overflow: OverflowPolicy;
  maxAge: number;
}

type Op =
  | { op: 'push'; bytes: number; front: boolean; connectionOnly: boolean }
  | { op: 'shift' }
  | { op: 'discard'; reason: DropReason }
  | { op: 'close' }
  | { op: 'dropConnectionOnly' }
  | { op: 'takeAll' }
  | { op: 'advance'; ms: number };

const reason = fc.constantFrom<DropReason>('overflow', 'expired', 'closed', 'disconnected', 'rejected', 'cancelled');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('push' as const), bytes: fc.nat({ max: 40 }), front: fc.boolean(), connectionOnly: fc.boolean() }) },
  { weight: 4, arbitrary: fc.constant({ op: 'shift' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('discard' as const), reason }) },
  { weight: 1, arbitrary: fc.constant({ op: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'dropConnectionOnly' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'takeAll' as const }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.nat({ max: 800 }) }) },
);

const limits: fc.Arbitrary<Limits> = fc.record({
  maxMessages: fc.constantFrom(0, 1, 3, 10, Infinity),
  maxBytes: fc.constantFrom(0, 20, 100, Infinity),
  overflow: fc.constantFrom<OverflowPolicy>('reject', 'drop-oldest'),
  maxAge: fc.constantFrom(Infinity, 500, 1000),
});

interface Ref {
  id: string;
  bytes: number;
  expires: number;
  connectionOnly: boolean;
}

describe('the outbound queue (generated)', () => {
  it('matches the reference: FIFO, bytes, bounds, every drop reported once', () => {
    fc.assert(
      fc.property(limits, fc.array(op, { maxLength: 120, size: 'max' }), (lim, ops) => {
        const clock = new ManualClock();
        const reported: [string, DropReason][] = [];
        const tracked = new Map<string, Outcome[]>();
        // Each message a Blob of its size, to the queue (it keeps Blobs as they are, not copied):
        // the id maps back from it. A bare object on Blob's prototype: a real Blob costs ~10 µs.
        const ids = new Map<OutboundData, string>();
        const idOf = (data: OutboundData | undefined) => (data === undefined ? undefined : ids.get(data));
        const queue = new Outbox({ ...lim, highWaterMark: 0 }, clock, { _dropped: (data, why) => void reported.push([idOf(data)!, why]), _operation: (change) => change() }, null);
        const taken = new Set<string>();
        let ref: Ref[] = [];
        const expected: [string, DropReason][] = [];
        const gone = (entry: Ref, why: DropReason) => expected.push([entry.id, why]);
        let next = 0;

        const expireRef = (now: number) => {
          // Due deadlines fire in time order; entries with the same deadline in queue order.
          const due = ref.filter((e) => e.expires <= now).sort((a, b) => a.expires - b.expires || ref.indexOf(a) - ref.indexOf(b));
          for (const e of due) gone(e, 'expired');
          ref = ref.filter((e) => e.expires > now);
        };

        for (const step of ops) {
          operations++;
          const now = clock.now();
          switch (step.op) {
            case 'push': {
              const id = `#${next++}`;
              const outcomes: Outcome[] = [];
              tracked.set(id, outcomes);
              const data: Blob = Object.create(Blob.prototype, { size: { value: step.bytes } });
              ids.set(data, id);
              const ok = queue.send(data, { front: step.front, connectionOnly: step.connectionOnly, onOutcome: (o) => void outcomes.push(o) });
              const total = () => ref.reduce((n, e) => n + e.bytes, 0);
              const fits = () => ref.length < lim.maxMessages && total() + step.bytes <= lim.maxBytes;
              let accept = true;
              if (!fits()) {
                if (lim.overflow === 'reject' || step.bytes > lim.maxBytes || lim.maxMessages === 0) accept = false;
                else while (!fits()) gone(ref.shift()!, 'overflow');
              }
              if (!accept) expected.push([id, 'overflow']);
              else {
                const entry = { id, bytes: step.bytes, expires: now + lim.maxAge, connectionOnly: step.connectionOnly };
                if (step.front) ref.unshift(entry);
                else ref.push(entry);
              }
              if (ok !== accept) throw new Error(`push returned ${ok}, expected ${accept}`);
              break;
            }
            case 'shift': {
              const got = queue._next ? idOf(queue._shift('written')) : undefined;
              const want = ref.shift();
              if (got !== want?.id) throw new Error(`shift gave ${String(got)}, expected ${want?.id}`);
              break;
            }
            case 'discard':
              if (queue._next) queue._shift(step.reason);
              if (ref.length > 0) gone(ref.shift()!, step.reason);
              break;
            case 'close':
              queue.close(false);
              for (const e of ref) gone(e, 'closed');
              ref = [];
              break;
            case 'dropConnectionOnly':
              queue._lost();
              for (const e of ref) if (e.connectionOnly) gone(e, 'disconnected');
              ref = ref.filter((e) => !e.connectionOnly);
              break;
            case 'takeAll': {
              const got = queue._takeAll().map(idOf);
              if (JSON.stringify(got) !== JSON.stringify(ref.map((e) => e.id))) throw new Error(`took ${JSON.stringify(got)}, expected ${JSON.stringify(ref.map((e) => e.id))}`);
              for (const e of ref) taken.add(e.id);
              ref = [];
              break;
            }
            case 'advance':
              clock.advance(step.ms);
              expireRef(clock.now());
              break;
          }
          // The queue agrees with the reference, now.
          const bytes = ref.reduce((n, e) => n + e.bytes, 0);
          if (queue._length !== ref.length) throw new Error(`length ${queue._length}, expected ${ref.length}`);
          if (queue._bytes !== bytes) throw new Error(`bytes ${queue._bytes}, expected ${bytes}`);
          if (idOf(queue._next?._data) !== ref[0]?.id) throw new Error(`peek ${String(idOf(queue._next?._data))}, expected ${ref[0]?.id}`);
          if (queue._length > lim.maxMessages || queue._bytes > lim.maxBytes) throw new Error('over its bounds');
          if (JSON.stringify(reported) !== JSON.stringify(expected)) {
            throw new Error(`drops ${JSON.stringify(reported.slice(-5))}, expected ${JSON.stringify(expected.slice(-5))}`);
          }
          // One expiry timer while something waits that can expire; none otherwise.
          const wantTimer = ref.length > 0 && lim.maxAge !== Infinity ? 1 : 0;
          if (clock.pending !== wantTimer) throw new Error(`${clock.pending} timer(s) pending, expected ${wantTimer}`);
        }
        // Each message's `onOutcome` heard exactly one outcome: written, its drop reason, or
        // 'cancelled' when taken (no drop reported for it).
        for (const [id, outcomes] of tracked) {
          const drop = expected.find(([d]) => d === id);
          const inQueue = ref.some((e) => e.id === id);
          const want = drop ? [drop[1]] : inQueue ? [] : taken.has(id) ? ['cancelled'] : ['written'];
          if (JSON.stringify(outcomes) !== JSON.stringify(want)) throw new Error(`${id} tracked ${JSON.stringify(outcomes)}, expected ${JSON.stringify(want)}`);
        }
        sequences++;
      }),
      { seed, numRuns: RUNS },
    );
  });
});
