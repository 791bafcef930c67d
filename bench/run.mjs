// `npm run bench`: raw ws, reconnecting-websocket, partysocket and SteadySocket side by side,
// every figure the README quotes, from this one process tree:
//
//   send throughput (64 B, 16 KiB), a burst to a stalled reader, receive-and-dispatch on
//   channels (client.mjs against server.mjs); the reconnect storm and the heap per idle
//   client (storm.mjs, forking storm-server.mjs); recovery of one client and its queue
//   (storm.mjs); heap over reconnect cycles (cycles.mjs); bundle size (size.mjs); the cost of
//   `resume`: throughput and wire bytes with and without it (resume.mjs against session-server.mjs).
//
// Every measurement runs in a fresh process; contenders alternate within each round, in a
// rotated order, and the tables show medians. Writes RESULTS.md and results.json to the
// output directory (bench/ unless `--out DIR`), and prints the tables.
//
//   --quick       one short round of everything, storm and recovery contenders side by side:
//                 proves each benchmark produces its numbers (CI), says nothing about speed.
//   --only WORD   only the scenarios whose name contains WORD; writes files only with --out.
//   --out DIR     where RESULTS.md and results.json go.
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS, RECONNECTING } from './contenders.mjs';
import { assess, render } from './report.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] ?? '' : undefined);
const quick = argv.includes('--quick');
const only = option('--only');
const outDir = option('--out') ?? (only === undefined ? fileURLToPath(new URL('.', import.meta.url)) : undefined);
const root = fileURLToPath(new URL('..', import.meta.url));
const script = (name) => fileURLToPath(new URL(name, import.meta.url));
const started = Date.now();

const rounds = quick ? 1 : 5;
const heavyRounds = quick ? 1 : 3;
const storm = quick
  ? { clients: 100, settleMs: 300, downMs: 300, timeoutMs: 30_000 }
  : { clients: 1000, settleMs: 5_200, downMs: 300, timeoutMs: 60_000 };
const recovery = { pairs: quick ? 5 : 20, messages: 100 };
const cycles = quick ? { warmup: 20, cycles: 100 } : { warmup: 300, cycles: 1000 };

// A what-if row in the storm: SteadySocket with the narrower first retry window it had before
// this benchmark moved the default to 1.5 s, to show why (not a default: the others are).
const WHAT_IF = { 'steadysocket, minDelay 1 s': ['steadysocket', { minDelay: 1000 }] };

// The first contender of each scenario is the base of its ratios.
const scenarios = [
  { name: 'send 64 B', kind: 'throughput', bytes: 64, count: quick ? 20_000 : 200_000, mode: 'paced', contenders: CLIENTS },
  { name: 'send 16 KiB', kind: 'throughput', bytes: 16_384, count: quick ? 2_000 : 20_000, mode: 'paced', contenders: CLIENTS },
  { name: 'burst to a stalled reader', kind: 'throughput', bytes: 1024, count: quick ? 20_000 : 100_000, mode: 'burst', contenders: CLIENTS },
  // A million: a shorter stream lasts ~0.25 s, where JIT warm-up and noise outweigh the
  // per-message cost being compared.
  {
    name: 'receive JSON envelopes on 3 channels',
    kind: 'throughput',
    bytes: 0,
    count: quick ? 20_000 : 1_000_000,
    mode: 'receive',
    contenders: ['ws-switch', 'steadysocket-raw', 'steadysocket-channels'],
  },
  // Raw ws takes part only in the idle-memory half: it does not reconnect.
  { name: 'reconnect storm', also: 'heap per idle client', kind: 'storm', contenders: [...CLIENTS, ...Object.keys(WHAT_IF)] },
  { name: 'recovery', kind: 'recovery', contenders: RECONNECTING },
  { name: 'heap over reconnect cycles', kind: 'cycles', contenders: CLIENTS },
  {
    name: 'session overhead',
    kind: 'session',
    contenders: ['plain', 'resume'],
    cases: [
      { direction: 'send', bytes: 64, count: quick ? 10_000 : 200_000 },
      { direction: 'receive', bytes: 64, count: quick ? 10_000 : 200_000 },
      { direction: 'send', bytes: 16_384, count: quick ? 1_000 : 20_000 },
      { direction: 'receive', bytes: 16_384, count: quick ? 1_000 : 20_000 },
    ],
  },
  { name: 'bundle size', kind: 'size', contenders: [] },
].filter((s) => only === undefined || s.name.includes(only) || s.also?.includes(only));

// Children are killed if this process is stopped; each also stops itself (timeouts, IPC).
const children = new Set();
const stop = () => {
  for (const child of children) child.kill();
  process.exit(1);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('exit', () => {
  for (const child of children) child.kill();
});

function run(file, args, { timeout = 180_000, cwd = root } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--expose-gc', script(file), ...args.map(String)], { cwd, timeout, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      children.delete(child);
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
    children.add(child);
  });
}

const server = fork(script('server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
children.add(server);
const [portLine] = await once(server.stdout, 'data');
const port = String(portLine).trim();

// The session benchmark's server (a SessionServer), forked when that scenario runs.
let sessionPort;
async function sessionServer() {
  if (sessionPort) return sessionPort;
  const child = fork(script('session-server.mjs'), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  children.add(child);
  const [line] = await once(child.stdout, 'data');
  sessionPort = String(line).trim();
  return sessionPort;
}

function measure(scenario, contender) {
  switch (scenario.kind) {
    case 'session':
      return run('resume.mjs', [contender, scenario.direction, scenario.bytes, scenario.count, sessionPort], { timeout: 120_000 });
    case 'throughput':
      return run('client.mjs', [contender, scenario.bytes, scenario.count, port, scenario.mode], { timeout: 120_000 });
    case 'storm': {
      const [library, options] = WHAT_IF[contender] ?? [contender, {}];
      const mode = library === 'ws' ? 'idle' : 'storm';
      return run('storm.mjs', [mode, library, storm.clients, storm.settleMs, storm.downMs, storm.timeoutMs, 0, JSON.stringify(options)]);
    }
    case 'recovery':
      return run('storm.mjs', ['recovery', contender, recovery.pairs, storm.settleMs, storm.downMs, storm.timeoutMs, recovery.messages]);
    case 'cycles':
      return run('cycles.mjs', [contender, port, cycles.warmup, cycles.cycles]);
    default:
      throw new Error(`unknown kind ${scenario.kind}`);
  }
}

/** Every contender once per round, the order rotated each round; in --quick the slow kinds run side by side. */
async function rotate(scenario, count) {
  const runs = Object.fromEntries(scenario.contenders.map((c) => [c, []]));
  const together = quick && scenario.kind !== 'throughput';
  for (let round = 0; round < count; round++) {
    const order = scenario.contenders.map((_, i) => scenario.contenders[(i + round) % scenario.contenders.length]);
    if (together) {
      const results = await Promise.all(order.map((c) => measure(scenario, c)));
      order.forEach((c, i) => runs[c].push(results[i]));
    } else {
      for (const c of order) runs[c].push(await measure(scenario, c));
    }
    process.stderr.write('.');
  }
  return runs;
}

const median = (xs) => {
  const sorted = xs.filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return sorted.length === xs.length ? sorted[Math.floor(sorted.length / 2)] : null;
};
const medians = (runs, fields) => Object.fromEntries(fields.map((f) => [f, median(runs.map((r) => r[f]))]));
const quantile = (sorted, p) => (sorted.length ? sorted[Math.ceil(p * sorted.length) - 1] : null);

// Size does not depend on the machine's load: in --quick it runs alongside the rest.
const wantSize = scenarios.some((s) => s.kind === 'size');
const sizing = wantSize ? run('size.mjs', ['--json'], { timeout: 300_000 }) : undefined;
sizing?.catch(() => {}); // awaited below, where a failure is reported
if (!quick) await sizing;

const results = {};
for (const scenario of scenarios) {
  process.stderr.write(`${scenario.name} `);
  if (scenario.kind === 'size') {
    const { packages, modules, text, features, budgets } = await sizing;
    results[scenario.name] = {
      fields: ['min', 'gzip'],
      rows: Object.fromEntries(packages.map((p) => [p.name, p])),
      modules,
      text,
      features,
      budgets,
    };
  } else if (scenario.kind === 'throughput') {
    const runs = await rotate(scenario, rounds);
    const rows = Object.fromEntries(scenario.contenders.map((c) => [c, medians(runs[c], ['perSecond', 'peakMemMiB', 'accepted'])]));
    const base = rows[scenario.contenders[0]].perSecond;
    for (const row of Object.values(rows)) row.ratio = Math.round((row.perSecond / base) * 100) / 100;
    const { bytes, count, mode } = scenario;
    results[scenario.name] = { bytes, count, mode, fields: ['perSecond', 'ratio'], rows, runs };
  } else if (scenario.kind === 'storm') {
    const runs = await rotate(scenario, heavyRounds);
    const memory = Object.fromEntries(CLIENTS.map((c) => [c, medians(runs[c], ['heapPerClient'])]));
    for (const row of Object.values(memory)) row.ratio = Math.round((row.heapPerClient / memory.ws.heapPerClient) * 100) / 100;
    // Where the difference comes from: heap snapshots of raw ws and SteadySocket clients.
    const breakdown = {};
    for (const c of ['ws', 'steadysocket']) breakdown[c] = await run('heap-breakdown.mjs', [c, quick ? 100 : 300]);
    results['heap per idle client'] = { clients: storm.clients, settleMs: storm.settleMs, fields: ['heapPerClient', 'ratio'], rows: memory, breakdown };
    const fields = ['peakShare', 't50', 't95', 't100', 'attemptsWhileDown', 'attemptsTotal', 'outageMs'];
    const rows = {};
    const stormers = [...RECONNECTING, ...Object.keys(WHAT_IF)];
    for (const c of stormers) {
      rows[c] = medians(runs[c], fields);
      // The histogram of the round whose peak is the median one, so it matches the figures.
      const byPeak = [...runs[c]].sort((a, b) => a.peakShare - b.peakShare);
      rows[c].windows = byPeak[Math.floor(byPeak.length / 2)].windows;
    }
    const stormRuns = Object.fromEntries(stormers.map((c) => [c, runs[c]]));
    results[scenario.name] = { ...storm, fields: fields.slice(0, 5), rows, runs: stormRuns, whatIf: Object.keys(WHAT_IF) };
  } else if (scenario.kind === 'recovery') {
    const runs = await rotate(scenario, heavyRounds);
    const rows = {};
    for (const c of scenario.contenders) {
      // Every pair is an independent single client: pooled over the rounds.
      const times = runs[c].flatMap((r) => r.times).sort((a, b) => a - b);
      const complete = runs[c].every((r) => r.flushed === recovery.pairs && r.disorder === 0);
      rows[c] = complete
        ? { samples: times.length, median: quantile(times, 0.5), p95: quantile(times, 0.95), max: quantile(times, 1) }
        : { samples: times.length, median: null, p95: null, max: null };
    }
    results[scenario.name] = { ...recovery, downMs: storm.downMs, fields: ['median', 'p95', 'max'], rows, runs };
  } else if (scenario.kind === 'session') {
    await sessionServer();
    const cases = [];
    for (const c of scenario.cases) {
      const runs = await rotate({ ...scenario, ...c }, rounds);
      const rows = Object.fromEntries(scenario.contenders.map((k) => [k, medians(runs[k], ['perSecond', 'wirePerMessage'])]));
      cases.push({ ...c, rows, ratio: Math.round((rows.resume.perSecond / rows.plain.perSecond) * 100) / 100, wireOverhead: Math.round((rows.resume.wirePerMessage - rows.plain.wirePerMessage) * 10) / 10, runs });
    }
    results[scenario.name] = { cases };
  } else if (scenario.kind === 'cycles') {
    const runs = await rotate(scenario, heavyRounds);
    const rows = {};
    for (const c of scenario.contenders) {
      rows[c] = { ...medians(runs[c], ['before', 'after', 'growth', 'perCycle']), retained: Math.max(...runs[c].map((r) => r.retained)) };
    }
    results[scenario.name] = { ...cycles, fields: ['growth', 'retained'], rows, runs };
  }
  process.stderr.write('\n');
}
server.disconnect();
for (const child of children) if (child.connected) child.disconnect();

const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const versions = Object.fromEntries(['ws', 'reconnecting-websocket', 'partysocket', 'socket.io-client'].map((name) => [name, versionOf(name)]));
// What was typed: `npm run bench -- …` runs this file with the same arguments.
const npm = process.env.npm_lifecycle_event;
const cpu = cpus();
const report = {
  meta: {
    command: `${npm ? `npm run ${npm}${argv.length ? ' --' : ''}` : 'node bench/run.mjs'}${argv.length ? ` ${argv.join(' ')}` : ''}`,
    quick,
    date: new Date().toISOString(),
    node: process.version,
    machine: `${cpu.length}× ${cpu[0]?.model?.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform} ${process.arch}`,
    versions,
    rounds: { throughput: rounds, heavy: heavyRounds },
    seconds: Math.round((Date.now() - started) / 1000),
  },
  scenarios: results,
};
report.targets = assess(report);
const markdown = render(report);
console.log(markdown);
if (outDir !== undefined) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'RESULTS.md'), markdown);
  // Arrays of numbers (histograms, samples) on one line each.
  const json = JSON.stringify(report, null, 2).replace(/\[\s+(-?[\d.]+(?:,\s+-?[\d.]+)*)\s+\]/g, (_, list) => `[${list.split(/,\s+/).join(', ')}]`);
  writeFileSync(join(outDir, 'results.json'), `${json}\n`);
  console.error(`wrote ${join(outDir, 'RESULTS.md')} and results.json in ${report.meta.seconds} s`);
}
process.exit(0);
