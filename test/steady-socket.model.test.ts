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
 * Every run prints its seed; FC_SEED=<seed> replays it, FC_RUNS=<n> changes the number of
 * sequences. A failure prints the shrunk sequence of steps.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from './helpers/fake-socket';
import { commands, config } from './property/socket-commands';
import { Harness } from './property/socket-harness';
import { SocketModel } from './property/socket-model';
import { report, seed } from './property/seed';

afterEach(() => FakeSocket.reset());

const RUNS = Number(process.env.FC_RUNS ?? 10_000);
const MAX_STEPS = 100;

describe('model-based: random sequences of calls and network events', () => {
  it(`${RUNS} generated sequences of up to ${MAX_STEPS} steps keep every invariant`, { timeout: 300_000 }, async () => {
    report(`model: fast-check seed ${seed} (replay: FC_SEED=${seed} npx vitest run test/steady-socket.model.test.ts)`);
    const totals = { sequences: 0, steps: 0, messages: 0, written: 0, dropped: 0, requests: 0 };
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(config, fc.commands(commands, { maxCommands: MAX_STEPS, size: 'max' }), async (options, steps) => {
        const real = new Harness(options);
        const model = new SocketModel(options, real.clock.now());
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
      { seed, numRuns: RUNS },
    );
    report(
      `model: ${totals.sequences} sequences, ${totals.steps} steps, ${totals.messages} messages ` +
        `(${totals.written} written, ${totals.dropped} dropped with a drop event, 0 unreported), ${totals.requests} requests all settled, ` +
        `seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(totals.sequences).toBe(RUNS);
    expect(totals.requests).toBeGreaterThan(RUNS); // the generator really exercised requests
  });
});
