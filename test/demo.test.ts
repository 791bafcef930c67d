import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run demo` against the built package (`npm test` builds first: the `pretest` script).
const root = fileURLToPath(new URL('../', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runDemo(): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['demo/resilience-demo.mjs', '--quick'],
      // CI=true: the demo must print plain text (no colours, no cursor tricks) without a TTY.
      { cwd: root, timeout: 45_000, env: { ...process.env, CI: 'true' } },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        resolve({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** A summary row's value: `  reconnects       3`. */
function summary(stdout: string, label: string): string | undefined {
  return new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout)?.[1];
}

/** A summary row's duration in ms: `  half-open detected 1.20 s` or `  crash detected     3 ms`. */
function millis(stdout: string, label: string): number {
  const match = new RegExp(`^\\s+${label}\\s+([\\d.]+) (ms|s)\\b`, 'm').exec(stdout);
  return match ? Number(match[1]) * (match[2] === 's' ? 1000 : 1) : NaN;
}

describe('npm run demo -- --quick', () => {
  it('survives every injected fault and loses nothing silently', async () => {
    if (!existsSync(join(root, 'dist', 'steadysocket.mjs'))) {
      throw new Error('dist/steadysocket.mjs is missing: run `npm run build` first');
    }
    const run = await runDemo();
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.signal, output).toBeNull();
    expect(run.code, output).toBe(0);

    // One phase per fault, in order, each ending with the client open again.
    for (const [i, phase] of ['server restart', 'half-open connection', 'slow reader', '1013 Try Again Later', 'bad messages'].entries()) {
      expect(run.stdout, output).toContain(`${i}/5 ${phase}`);
    }
    expect(run.stdout, output).toMatch(/closed 1006 \(connection lost\)/);
    expect(run.stdout, output).toMatch(/closed 4000 \(heartbeat/);
    expect(run.stdout, output).toMatch(/closed 1013 /);
    expect(run.stdout.match(/open again \(reconnect #\d+\)/g)?.length ?? 0, output).toBeGreaterThanOrEqual(3);

    expect(Number(summary(run.stdout, 'reconnects')), output).toBeGreaterThanOrEqual(3);
    expect(summary(run.stdout, 'unreported loss'), output).toBe('0');
    expect(summary(run.stdout, 'in order'), output).toBe('yes');
    expect(summary(run.stdout, 'duplicates'), output).toBe('0');
    expect(Number(summary(run.stdout, 'delivered')), output).toBeGreaterThan(0);
    // Backpressure did something: the queue held messages while the reader was slow.
    expect(Number(summary(run.stdout, 'slow reader peak')), output).toBeGreaterThan(0);
    // The half-open connection was found by the heartbeat (700 + 1000 ms) with margin to spare.
    expect(millis(run.stdout, 'half-open detected'), output).toBeLessThan(5000);
    expect(summary(run.stdout, 'bad messages'), output).toBe('4/4');
    expect(run.stdout, output).toMatch(/connection kept/);
    // Plain text for logs: no escape sequences when stdout is not a terminal.
    expect(run.stdout).not.toContain('\x1b[');
  }, 50_000);
});
