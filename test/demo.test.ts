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
      ['demo/index.mjs', '--quick'],
      // CI=true: the demo must print plain text (no colours, no cursor tricks) without a TTY.
      { cwd: root, timeout: 95_000, env: { ...process.env, CI: 'true' } },
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
  it('survives every injected fault twice, plain and with resume, and loses nothing silently', async () => {
    if (!existsSync(join(root, 'dist', 'steadysocket.mjs'))) {
      throw new Error('dist/steadysocket.mjs is missing: run `npm run build` first');
    }
    const run = await runDemo();
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.signal, output).toBeNull();
    expect(run.code, output).toBe(0);
    const [plain, resumed, comparison] = run.stdout.split(/─{20,}|\nPlain vs resume/);
    expect(comparison, output).toBeDefined();

    for (const part of [plain!, resumed!]) {
      // One phase per fault, in order, each ending with the client open again.
      for (const [i, phase] of ['server restart', 'half-open connection', 'slow reader', '1013 Try Again Later', 'bad messages'].entries()) {
        expect(part, output).toContain(`${i}/5 ${phase}`);
      }
      expect(part, output).toMatch(/closed 1006 \(connection lost\)/);
      expect(part, output).toMatch(/closed 4000 \(heartbeat/);
      expect(part, output).toMatch(/closed 1013 /);
      expect(part.match(/open again \(reconnect #\d+\)/g)?.length ?? 0, output).toBeGreaterThanOrEqual(3);

      expect(Number(summary(part, 'reconnects')), output).toBeGreaterThanOrEqual(3);
      expect(summary(part, 'unreported loss'), output).toBe('0');
      expect(summary(part, 'in order'), output).toBe('yes');
      expect(summary(part, 'duplicates'), output).toBe('0');
      expect(Number(summary(part, 'delivered')), output).toBeGreaterThan(0);
      // Backpressure did something: the queue held messages while the reader was slow.
      expect(Number(summary(part, 'slow reader peak')), output).toBeGreaterThan(0);
      // The half-open connection was found by the heartbeat (700 + 1000 ms) with margin to spare.
      expect(millis(part, 'half-open detected'), output).toBeLessThan(5000);
      expect(summary(part, 'bad messages'), output).toBe('4/4');
      expect(part, output).toMatch(/connection kept/);
    }
    // With resume, the half-open connection and the 1013 close resume the session: nothing
    // is lost in flight (the crash loses the server's sessions: those are reported `unconfirmed`).
    expect(summary(resumed!, 'lost in flight'), output).toBe('0');
    expect(resumed!.match(/session resumed: unacknowledged resent/g)?.length ?? 0, output).toBeGreaterThanOrEqual(2);
    expect(comparison, output).toMatch(/lost in flight\s+\d+\s+0\s/);
    expect(comparison, output).toMatch(/duplicates\s+0\s+0\s/);
    // Plain text for logs: no escape sequences when stdout is not a terminal.
    expect(run.stdout).not.toContain('\x1b[');
  }, 100_000);
});
