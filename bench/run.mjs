// `npm run bench`: send throughput and memory of raw ws, reconnecting-websocket,
// partysocket and SteadySocket against one loopback server, side by side in one run;
// then receive throughput of typed channels against hand-written JSON.parse + switch.
// Contenders alternate within each round and every measurement runs in a fresh process;
// the table shows medians with ratios to raw ws. `--quick` runs one short round;
// `--only WORD` runs the scenarios whose name contains WORD (e.g. `--only receive`).
import { fork, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';

const quick = process.argv.includes('--quick');
const here = new URL('.', import.meta.url);
const senders = ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket'];
// The first contender of each scenario is the base of its `× ws` column.
const receivers = ['ws-switch', 'steadysocket-raw', 'steadysocket-channels'];
const rounds = quick ? 1 : 5;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] ?? '' : '';
const scenarios = [
  { name: 'send 64 B', bytes: 64, count: quick ? 20_000 : 200_000, mode: 'paced', contenders: senders },
  { name: 'send 1 KiB', bytes: 1024, count: quick ? 10_000 : 100_000, mode: 'paced', contenders: senders },
  { name: 'burst to a stalled reader', bytes: 1024, count: quick ? 20_000 : 100_000, mode: 'burst', contenders: senders },
  // A million: a shorter stream lasts ~0.25 s, where JIT warm-up and this machine's noise
  // outweigh the per-message cost being compared.
  { name: 'receive JSON envelopes on 3 channels', bytes: 0, count: quick ? 20_000 : 1_000_000, mode: 'receive', contenders: receivers },
].filter((scenario) => scenario.name.includes(only));

const server = fork(new URL('server.mjs', here), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [portLine] = await once(server.stdout, 'data');
const port = String(portLine).trim();

function measure(contender, { bytes, count, mode }) {
  const out = execFileSync(process.execPath, ['--expose-gc', new URL('client.mjs', here).pathname, contender, bytes, count, port, mode], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const scenario of scenarios) {
  const { contenders } = scenario;
  const runs = Object.fromEntries(contenders.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no contender always runs first (or last) on a warm machine.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
    for (const contender of order) runs[contender].push(measure(contender, scenario));
  }
  results[scenario.name] = Object.fromEntries(
    contenders.map((c) => [
      c,
      {
        perSecond: median(runs[c].map((r) => r.perSecond)),
        peakMemMiB: median(runs[c].map((r) => r.peakMemMiB)),
        accepted: median(runs[c].map((r) => r.accepted)),
      },
    ]),
  );
}
server.disconnect();

const version = (name) => execFileSync('npm', ['ls', name, '--depth=0', '--json'], { encoding: 'utf8' });
const versionOf = (name) => {
  try {
    return JSON.parse(version(name)).dependencies?.[name]?.version ?? '?';
  } catch {
    return '?';
  }
};
console.log(`\nsteadysocket bench${quick ? ' (--quick)' : ''} — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`contenders: ws ${versionOf('ws')}, reconnecting-websocket ${versionOf('reconnecting-websocket')}, partysocket ${versionOf('partysocket')}; median of ${rounds} round(s), fresh process each\n`);
const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);
for (const scenario of scenarios) {
  const row = results[scenario.name];
  const base = row[scenario.contenders[0]].perSecond;
  const ratio = scenario.mode !== 'burst';
  console.log(`${scenario.name} (${scenario.count.toLocaleString('en')} messages, ${scenario.mode})`);
  console.log(`  ${pad('client', 24)}${padL('msg/s', 12)}${padL('× ws', 8)}${padL('peak mem', 12)}${padL(scenario.mode === 'receive' ? 'received' : 'accepted', 10)}`);
  for (const c of scenario.contenders) {
    const r = row[c];
    console.log(`  ${pad(c, 24)}${padL(r.perSecond.toLocaleString('en'), 12)}${padL(ratio ? (r.perSecond / base).toFixed(2) : '—', 8)}${padL(`${r.peakMemMiB} MiB`, 12)}${padL(r.accepted.toLocaleString('en'), 10)}`);
  }
  console.log('');
}
console.log('paced: send while bufferedAmount < 1 MiB, else yield. burst: one synchronous loop of sends to a server that');
console.log('stops reading for 1 s; msg/s counts accepted messages until they all arrived; peak mem = heap + Buffers.');
console.log('In a burst SteadySocket writes up to its highWaterMark and queues up to its bounds (1000 messages / 1 MiB);');
console.log('the rest is refused (send() returns false) and reported in `drop` events, so its memory does not grow with the burst.');
console.log('receive: the server streams pre-framed envelopes round-robin on chat, presence and ticker, then an end marker;');
console.log('msg/s is messages per CPU-second of the client, from the first message to the marker. ws-switch: ws.on(\'message\') + JSON.parse + switch on the');
console.log('channel; steadysocket-raw: the same on SteadySocket\'s onmessage; steadysocket-channels: sock.channel(name).on(\'message\').');
