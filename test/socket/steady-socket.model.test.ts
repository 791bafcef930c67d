/**
 * Model-based test (fast-check): random sequences of user calls (send, channel send,
 * request, abort, close, reconnect) and network events (open, close with any code, error,
 * message, bufferedAmount changes, clock advances and jumps) against the FakeSocket and a
 * ManualClock, each step compared with a small model of the contract (test/property/
 * socket-model.ts) and checked for what must always hold (test/property/socket-harness.ts):
 * only legal state transitions, the events the model predicts, no message reordered,
 * written twice or dropped without exactly one report, every request settled by its
 * deadline and at the close, no timer left after close().
 *
 * Loose runs add what the model does not replay — listeners that call back into the socket
 * mid-delivery, async and failing URL providers, probe() — and check the invariants only.
 *
 * Every run prints its seed; FC_SEED=<seed> replays it, FC_RUNS=<n> changes the number of
 * sequences. A failure prints the shrunk sequence of steps.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../helpers/fake-socket';
import { commands, config, looseCommands, looseConfig } from '../property/socket-commands';
import { flush, Harness } from '../property/socket-harness';
import { SocketModel } from '../property/socket-model';
import { report, seed } from '../property/seed';

afterEach(() => FakeSocket.reset());

const RUNS = Number(process.env.FC_RUNS ?? 10_000);
const LOOSE_RUNS = Math.ceil(RUNS / 2);
const MAX_STEPS = 100;

async function generate(loose: boolean, runs: number) {
  const totals = { sequences: 0, steps: 0, messages: 0, written: 0, dropped: 0, requests: 0 };
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(loose ? looseConfig : config, fc.commands(loose ? looseCommands : commands, { maxCommands: MAX_STEPS, size: 'max' }), async (options, steps) => {
      const real = new Harness(options, loose);
      const model = new SocketModel(options, real.clock.now());
      if (loose) {
        await flush(); // an async URL provider makes the first native socket
        model.sync(real.observed());
      }
      await fc.asyncModelRun(() => ({ model, real }), steps);
      await real.finish();
      const tally = real.tally;
      totals.sequences++;
      totals.steps += [...steps].length;
      totals.messages += tally.messages;
      totals.written += tally.written;
      totals.dropped += tally.dropped;
      totals.requests += tally.requests;
    }),
    { seed, numRuns: runs },
  );
  report(
    `model${loose ? ' (loose: listeners calling back, URL providers, probes)' : ''}: ${totals.sequences} sequences, ${totals.steps} steps, ` +
      `${totals.messages} messages (${totals.written} written, ${totals.dropped} dropped with a drop event, 0 unreported), ` +
      `${totals.requests} requests all settled, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return totals;
}

describe('model-based: random sequences of calls and network events', () => {
  it(`${RUNS} generated sequences of up to ${MAX_STEPS} steps follow the model and keep every invariant`, { timeout: 300_000 }, async () => {
    report(`model: fast-check seed ${seed} (replay: FC_SEED=${seed} npx vitest run test/steady-socket.model.test.ts)`);
    const totals = await generate(false, RUNS);
    expect(totals.sequences).toBe(RUNS);
    expect(totals.requests).toBeGreaterThan(RUNS); // the generator really exercised requests
  });

  it(`${LOOSE_RUNS} more with listeners that call back into the socket keep every invariant`, { timeout: 300_000 }, async () => {
    const totals = await generate(true, LOOSE_RUNS);
    expect(totals.sequences).toBe(LOOSE_RUNS);
  });
});
