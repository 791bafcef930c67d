import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Runs the whole benchmark in --quick mode (about half a minute): no assertion about speed,
// only that every scenario produced a number for every contender. Needs dist/ (npm test
// builds it first). Writes into a temporary directory, never over bench/RESULTS.md.

interface Scenario {
  fields: string[];
  rows: Record<string, Record<string, unknown>>;
}
interface Results {
  meta: { quick: boolean; node: string; machine: string; command: string };
  scenarios: Record<string, Scenario>;
  targets: { name: string; met: boolean | null }[];
}

const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'steadysocket-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const committed = join(root, 'bench', 'RESULTS.md');
const mtime = () => (existsSync(committed) ? statSync(committed).mtimeMs : 0);

function quickRun(): Promise<Results> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['bench/run.mjs', '--quick', '--out', out], { cwd: root, timeout: 110_000, maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`bench/run.mjs --quick failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results);
    });
  });
}

describe('bench/run.mjs --quick', { timeout: 120_000 }, () => {
  const before = mtime();
  const results = quickRun();

  it('runs every scenario', async () => {
    const { scenarios, meta } = await results;
    expect(meta.quick).toBe(true);
    expect(Object.keys(scenarios).sort()).toEqual(
      [
        'send 64 B',
        'send 16 KiB',
        'burst to a stalled reader',
        'receive JSON envelopes on 3 channels',
        'reconnect storm',
        'heap per idle client',
        'recovery',
        'heap over reconnect cycles',
        'bundle size',
        'session overhead',
      ].sort(),
    );
  });

  it.each([
    ['send 64 B', ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['send 16 KiB', ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['burst to a stalled reader', ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['receive JSON envelopes on 3 channels', ['ws-switch', 'steadysocket-raw', 'steadysocket-channels']],
    ['reconnect storm', ['reconnecting-websocket', 'partysocket', 'steadysocket', 'steadysocket, minDelay 1 s']],
    ['heap per idle client', ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['recovery', ['reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['heap over reconnect cycles', ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket']],
    ['bundle size', ['steadysocket', 'steadysocket + channels', 'steadysocket.umd.min.js (script tag)', 'partysocket', 'reconnecting-websocket', 'socket.io-client']],
  ])('%s: a finite number in every field for %j', async (name, contenders) => {
    const scenario = (await results).scenarios[name];
    expect(scenario).toBeDefined();
    expect(Object.keys(scenario!.rows).sort()).toEqual([...contenders].sort());
    expect(scenario!.fields.length).toBeGreaterThan(0);
    for (const contender of contenders) {
      for (const field of scenario!.fields) {
        const value = scenario!.rows[contender]?.[field];
        expect(Number.isFinite(value), `${name} / ${contender} / ${field} = ${String(value)}`).toBe(true);
      }
    }
  });

  it('bundle size: what each behaviour costs, every cut still found in the source (bench/feature-cost.mjs)', async () => {
    const { FEATURES } = (await import(join(root, 'bench', 'feature-cost.mjs'))) as { FEATURES: { name: string }[] };
    const { features } = (await results).scenarios['bundle size'] as unknown as { features: { whole: number; rest: number; rows: { name: string; bytes: number }[] } };
    expect(features.rows.map((row) => row.name)).toEqual(FEATURES.map((feature) => feature.name));
    // Every behaviour costs something: a cut that no longer drops code is a stale anchor.
    for (const row of features.rows) expect(row.bytes, row.name).toBeGreaterThan(0);
    expect(features.whole).toBeGreaterThan(features.rows.reduce((sum, row) => sum + row.bytes, 0));
    expect(features.rest).toBeGreaterThan(0);
    expect(features.rest).toBeLessThan(features.whole);
  });

  it('session overhead: throughput and wire bytes per message, with and without resume, in every case', async () => {
    const { cases } = (await results).scenarios['session overhead'] as unknown as { cases: { direction: string; bytes: number; ratio: number; wireOverhead: number; rows: Record<string, { perSecond: number; wirePerMessage: number }> }[] };
    expect(cases.map((c) => `${c.direction} ${c.bytes}`)).toEqual(['send 64', 'receive 64', 'send 16384', 'receive 16384']);
    for (const c of cases) {
      for (const k of ['plain', 'resume']) expect(Number.isFinite(c.rows[k]!.perSecond) && Number.isFinite(c.rows[k]!.wirePerMessage), `${c.direction} ${c.bytes} ${k}`).toBe(true);
      expect(Number.isFinite(c.ratio)).toBe(true);
      // The tag byte at least, and acks: never free, never more than a few bytes a message.
      expect(c.wireOverhead).toBeGreaterThanOrEqual(1);
      expect(c.wireOverhead).toBeLessThan(16);
    }
  });

  it('states every target and writes RESULTS.md with the machine, Node version and command, not over bench/RESULTS.md', async () => {
    const { targets, meta } = await results;
    expect(targets.map((t) => t.name)).toEqual(['send throughput', 'reconnect storm', 'heap per idle client', 'heap over reconnect cycles', 'session overhead', 'bundle size']);
    const markdown = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    for (const text of [meta.node, meta.machine, meta.command, '## Reconnect storm', '## The cost of `resume`', '## Bundle size']) expect(markdown).toContain(text);
    expect(mtime()).toBe(before);
  });
});
