// node demo/resilience-demo.mjs [--quick] [--resume] [--report=file.json]
// (`npm run demo` runs it twice, plain and with --resume, through demo/index.mjs)
//
// A SteadySocket streams numbered messages to a local `ws` server, through a TCP proxy that
// plays the network, while the demo injects five faults one after another: a server crash and
// restart, a half-open connection, a slow reader, a `1013 Try Again Later` close and bad
// messages. The timeline shows what the client does about each; the summary is computed from
// what the server actually received, and the exit code is non-zero if anything vanished
// without a `drop` report.
//
// --resume: the same faults with `resume: true` against the reference SessionServer
// (steadysocket/server): nothing may be lost in flight, and the exit code says so.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket'; // the package itself, from dist/ (npm run build)
import { channels } from 'steadysocket/channels'; // typed channels, a layer over the socket
import { DemoServer } from './demo-server.mjs';
import { FaultProxy } from './fault-proxy.mjs';

const quick = process.argv.includes('--quick');
const resume = process.argv.includes('--resume');
const reportTo = process.argv.find((a) => a.startsWith('--report='))?.slice('--report='.length);
const T = quick
  ? { uptime: 500, down: 500, bulk: 1500 }
  : { uptime: 1500, down: 1500, bulk: 3000 };
const SEND_EVERY = 100; // one small numbered message every 100 ms, all the time
const BULK_EVERY = 10; // and during the slow reader, a 64 KiB one every 10 ms as well
const BULK_PADDING = ' '.padEnd(64 * 1024, '#');
const HEARTBEAT = { interval: 700, timeout: 1000 };
const OPTIONS = {
  WebSocket,
  minDelay: 200,
  maxDelay: 2000,
  connectTimeout: 2000,
  minUptime: 400, // the default 5 s would carry the backoff over between our closely spaced faults
  heartbeat: HEARTBEAT,
  resume,
  queue: { maxMessages: 1000, maxBytes: 1024 * 1024, overflow: 'reject', highWaterMark: 256 * 1024 },
  // The default for 1012/1013 is a random 5–30 s (the close-code registry's advice); the full
  // demo shows it. The quick run, part of `npm test`, asks for 1 s instead.
  ...(quick && { shouldReconnect: (event) => (event.code === 1013 ? 1000 : true) }),
};
// A message written this shortly before its connection's fault may be lost with it.
const IN_FLIGHT_MS = 500;

// Never hang: whatever happens, give up after a minute (unref: this alone keeps nothing alive).
setTimeout(() => fail('still running after 60 s, giving up'), 60_000).unref();

// ---- output: a timeline for everyone, plus a live status line for humans at a terminal
const tty = process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI;
const paint = (code) => (text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const [red, green, yellow, dim, bold] = [paint(31), paint(32), paint(33), paint(2), paint(1)];
const t0 = performance.now();
const now = () => performance.now() - t0;
const seconds = (ms) => (Math.round(ms) < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const kib = (bytes) => (bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KiB`);
const PHASES = ['server restart', 'half-open connection', 'slow reader', '1013 Try Again Later', 'bad messages'];
let phase = 0;
let client; // the SteadySocket, once created
let retryAt = 0; // when the scheduled reconnect fires

function status() {
  if (!client) return '';
  const state = client.connectionState;
  const shown = state === 'reconnecting' && retryAt > now() ? `reconnecting in ${seconds(retryAt - now())}` : state;
  const rtt = client.stats.rtt === undefined ? '—' : `${Math.round(client.stats.rtt)} ms`;
  return `${shown} · queued ${client.stats.queued} · buffered ${kib(client.bufferedAmount)} · rtt ${rtt}`;
}
function progress() {
  const done = Math.min(phase, PHASES.length);
  return `[${'■'.repeat(done)}${'□'.repeat(PHASES.length - done)}] ${done}/${PHASES.length}`;
}
function log(who, text, color = (s) => s) {
  const stamp = `+${(now() / 1000).toFixed(2)}s`.padStart(7);
  if (tty) process.stdout.write('\r\x1b[K');
  console.log(`${stamp}  ${who.padEnd(6)} ${color(text.padEnd(54))} ${dim(status())}`);
  if (tty) drawStatus();
}
function drawStatus() {
  // One row, cut to the terminal's width: a wrapped line could not be redrawn in place.
  const line = `${progress()} ${phase < PHASES.length ? PHASES[phase] : 'done'} │ ${status()}`;
  process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns || 80) - 1)}`);
}
function heading(text) {
  if (tty) process.stdout.write('\r\x1b[K');
  console.log(bold(text));
}
const statusLine = tty ? setInterval(drawStatus, 100) : undefined;
function fail(why) {
  if (tty) process.stdout.write('\r\x1b[K');
  console.error(red(`demo failed: ${why}`));
  process.exit(1);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** When the next `close` event that `matches` arrives: an event, as a poll could miss a connection back at once. */
function closeTime(matches, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('close', onClose);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const onClose = (event) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      client.off('close', onClose);
      resolve(now());
    };
    client.on('close', onClose);
  });
}
async function until(predicate, ms, what) {
  for (const deadline = now() + ms; !predicate(); await sleep(10)) {
    if (now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}

// ---- bookkeeping: which connection carried each message, and what became of it
const server = new DemoServer({ sessions: resume });
let proxy;
let sent = 0; // messages handed to send()
const accepted = []; // accepted by send(), not written to a socket yet, oldest first
const writtenOn = new Map(); // message number → { conn, at }
let writes = 0; // how many of stats.messagesSent are accounted for in writtenOn
const dropped = new Map(); // message number → reason, from `drop` events
let doubleReports = 0; // a message reported in two `drop` events: must never happen
const faultAt = new Map(); // connection number → when a fault was injected into it
const invalid = []; // `invalid` events
const figures = {}; // detection and recovery times for the summary
let conn = 0;
let connOpen = false;
let ticks = 0;
let peak = null; // the slow reader's peak queue and buffer, while it runs
let resumedOpens = 0; // with --resume: opens that continued the session

// The library writes in order and only drops what it has not written, so the k-th write is
// the oldest accepted message still around: stats.messagesSent says how many went out.
function reconcile() {
  for (const written = client.stats.messagesSent; writes < written; writes++) {
    writtenOn.set(accepted.shift(), { conn, at: now() });
  }
  if (peak) peak = { queued: Math.max(peak.queued, client.stats.queued), buffered: Math.max(peak.buffered, client.bufferedAmount) };
}
function send(padding = '') {
  const n = ++sent;
  if (client.send(`msg ${n}${padding}`)) accepted.push(n); // false: a `drop` event says why
  reconcile();
}
function inject(what) {
  faultAt.set(conn, now());
  log('fault', what, red);
}
function everyWrittenArrived(onConn) {
  const arrived = new Set(server.received);
  for (const [n, w] of writtenOn) if (w.conn === onConn && !arrived.has(n)) return false;
  return true;
}

async function main() {
  await server.start();
  proxy = await new FaultProxy(server.port).start();
  heading(`steadysocket demo${quick ? ' (quick)' : ''}${resume ? ', resume: true against the SessionServer' : ''}: ${PHASES.length} faults, one after another`);
  log('server', `up on 127.0.0.1:${server.port}, the client goes through a proxy on :${proxy.port}`, green);

  client = new SteadySocket(`ws://127.0.0.1:${proxy.port}/`, OPTIONS);
  const api = channels(client); // its `invalid` event reports what no channel could take
  const ticker = api.channel('tick', { validate: (data) => Number.isInteger(data?.n) });
  ticker.on('message', () => ticks++);
  client.on('open', (e) => {
    conn++;
    connOpen = true;
    if (e.resumed) resumedOpens++;
    reconcile(); // the queue was flushed onto the new connection just now
    const how = e.resumed ? 'session resumed: unacknowledged resent, queue flushed' : resume && conn > 1 ? 'new session (the server lost the old one), queue flushed' : 'queue flushed';
    log('client', conn === 1 ? 'open' : `open again (reconnect #${client.stats.reconnects}), ${how}`, green);
  });
  client.on('close', (e) => {
    reconcile();
    if (!connOpen) return void log('client', `attempt failed (code ${e.code})`, dim);
    connOpen = false;
    const why = e.code === 4000 ? 'heartbeat: no answer, connection dead' : e.reason || 'connection lost';
    log('client', `closed ${e.code} (${why})`, e.willReconnect ? red : green);
  });
  client.on('reconnecting', (e) => {
    retryAt = now() + e.delay;
    log('client', `reconnecting in ${seconds(e.delay)} (attempt ${e.attempt})`, yellow);
  });
  client.on('drop', (e) => {
    const n = parseInt(String(e.data).slice(4), 10);
    if (dropped.has(n)) doubleReports++;
    dropped.set(n, e.reason);
    const i = accepted.indexOf(n);
    if (i >= 0) accepted.splice(i, 1);
  });
  api.on('invalid', (e) => {
    invalid.push(e);
    log('client', `invalid message reported (${e.reason}${e.channel ? `, channel "${e.channel}"` : ''})`, yellow);
  });
  client.on('heartbeat', () => reconcile());
  client.on('error', (e) => {
    // A failed attempt is already on the timeline as its close; say what else went wrong.
    if (e.error.code !== 'CONNECTION_ERROR') log('client', `error ${e.error.code}`, dim);
  });

  const stream = setInterval(send, SEND_EVERY);
  const bookkeeping = setInterval(reconcile, 20);
  try {
    await until(() => connOpen, 5_000, 'the first connection');
    for (const run of [restart, halfOpen, slowReader, tryAgainLater, badMessages]) {
      await until(() => connOpen, 10_000, 'the connection');
      await sleep(T.uptime);
      heading(`\n${progress()} ${PHASES[phase]}`);
      await run();
      phase++;
    }
    await sleep(T.uptime);
  } finally {
    clearInterval(stream);
    // A clean close: the closing handshake arrives after every message written before it.
    if (client.readyState !== SteadySocket.CLOSED) {
      const closed = once(client, 'close');
      client.close(1000, 'demo over');
      await closed;
    }
    clearInterval(bookkeeping);
    clearInterval(statusLine);
    if (tty) process.stdout.write('\r\x1b[K');
    await proxy.stop();
    await server.crash();
  }
  summarise();
}

async function restart() {
  inject('server crashes (no closing handshake)');
  const detected = closeTime(() => true, 2_000, 'the client to notice');
  const crashed = now();
  await server.crash();
  figures.crashDetected = (await detected) - crashed;
  await sleep(T.down);
  await server.start();
  const up = now();
  log('server', `up again on the same port after ${seconds(T.down)}`, green);
  await until(() => connOpen && client.stats.queued === 0, 10_000, 'reconnect and flush');
  figures.recovered = now() - up;
}

async function halfOpen() {
  const detected = closeTime((e) => e.code === 4000, HEARTBEAT.interval + HEARTBEAT.timeout + 3_000, 'the heartbeat to notice');
  proxy.set('blackhole');
  inject('network drops every byte, both ways; nothing closes');
  const at = now();
  figures.halfOpenDetected = (await detected) - at;
}

async function slowReader() {
  peak = { queued: 0, buffered: 0 };
  proxy.set('slow');
  log('fault', `server reads at ${kib(proxy.bytesPerSecond)}/s; client sends 64 KiB every ${BULK_EVERY} ms`, red);
  const bulk = setInterval(() => send(BULK_PADDING), BULK_EVERY);
  const refusedBefore = dropped.size;
  const report = setInterval(() => {
    const what = client.stats.queued ? 'over highWaterMark: new messages wait in the queue' : 'writing through';
    log('client', `${what}; ${dropped.size - refusedBefore} refused (queue full, drop events)`, yellow);
  }, 500);
  await sleep(T.bulk);
  clearInterval(bulk);
  clearInterval(report);
  proxy.set('pass');
  log('fault', 'server reads at full speed again', green);
  await until(() => client.stats.queued === 0 && client.bufferedAmount === 0, 10_000, 'the queue to drain');
  await until(() => everyWrittenArrived(conn), 10_000, 'the server to read everything written');
  log('client', `drained: every written message arrived`, green);
  figures.peak = peak;
  peak = null;
}

async function tryAgainLater() {
  inject('server closes with 1013 Try Again Later');
  server.closeAll(1013, 'Try Again Later');
  const at = now();
  const [event] = await once(client, 'reconnecting');
  figures.later = event.delay;
  await until(() => connOpen, 35_000, 'the reconnect after 1013');
  figures.laterBack = now() - at;
}

async function badMessages() {
  const before = { conn, invalid: invalid.length };
  const bad = [
    'this is not JSON {',
    JSON.stringify({ channel: 'tick', data: { n: 'seven' } }), // fails the channel's validator
    JSON.stringify({ channel: 'nobody-listens', data: 1 }),
    `"${'x'.repeat(1024 * 1024 + 1)}"`, // over maxMessageSize (1 MiB)
  ];
  log('fault', `server sends ${bad.length} bad messages`, red);
  for (const text of bad) server.broadcast(text);
  await until(() => invalid.length - before.invalid >= bad.length, 3_000, 'every bad message to be reported');
  figures.bad = { sent: bad.length, reported: invalid.length - before.invalid, kept: conn === before.conn && connOpen };
}

function summarise() {
  reconcile();
  const received = server.received;
  const distinct = new Set(received);
  const inOrder = received.every((n, i) => i === 0 || n > received[i - 1]);
  // The newest message of each connection that the server received: TCP delivers a
  // connection's bytes in order, so only what was written after it can have died with it.
  const lastArrived = new Map();
  for (const [n, w] of writtenOn) if (distinct.has(n) && n > (lastArrived.get(w.conn) ?? 0)) lastArrived.set(w.conn, n);
  const inFlight = [];
  const unreported = [];
  for (let n = 1; n <= sent; n++) {
    if (distinct.has(n) || dropped.has(n)) continue;
    // Lost in flight: written to a connection that a fault then killed, shortly before the
    // fault or after it, and at that connection's tail. WebSocket has no acknowledgements,
    // so no library can know. Anything else vanished.
    const w = writtenOn.get(n);
    const fault = w && faultAt.get(w.conn);
    const atTail = w && n > (lastArrived.get(w.conn) ?? 0);
    if (fault !== undefined && w.at >= fault - IN_FLIGHT_MS && atTail) inFlight.push(n);
    else unreported.push(n);
  }
  // 'unconfirmed' says "may or may not have arrived" (the server lost the session): it may have.
  const deliveredAndDropped = [...dropped].filter(([n, reason]) => distinct.has(n) && reason !== 'unconfirmed').length;
  const reasons = [...dropped.values()].reduce((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
  const listed = (ns) => (ns.length > 8 ? `${ns.slice(0, 8).join(', ')}, …` : ns.join(', '));
  const row = (label, value, note = '') => console.log(`  ${label.padEnd(18)} ${String(value).padEnd(9)} ${dim(note)}`);
  console.log(bold('\nSummary') + dim(' (from what the server received)'));
  row('sent', sent, 'messages handed to send()');
  row('delivered', distinct.size, 'distinct messages the server received');
  row('in order', inOrder ? 'yes' : 'no');
  row('duplicates', received.length - distinct.size);
  row('dropped', dropped.size, `reported in \`drop\` events: ${Object.entries(reasons).map(([r, c]) => `${c} ${r}`).join(', ') || 'none'}`);
  row('lost in flight', inFlight.length, resume ? 'the session resends what the server did not acknowledge' : 'written to a socket a fault then killed (WebSocket has no acks)');
  row('unreported loss', unreported.length, unreported.length ? `messages ${listed(unreported)}` : 'nothing vanished silently');
  row('double reports', doubleReports + deliveredAndDropped, 'dropped twice, or delivered and dropped');
  row('reconnects', client.stats.reconnects, resume ? `${resumedOpens} resumed the session` : '');
  row('crash detected', seconds(figures.crashDetected), 'server died → close event');
  row('back after restart', seconds(figures.recovered), 'server listening → open, queue flushed');
  row('half-open detected', seconds(figures.halfOpenDetected), `no close from the network; heartbeat ${HEARTBEAT.interval} + ${HEARTBEAT.timeout} ms`);
  row('slow reader peak', `${figures.peak.queued} msgs`, `queued; ${kib(figures.peak.buffered)} buffered at most (highWaterMark 256 KiB + queue ≤ 1 MiB)`);
  row('1013 wait', seconds(figures.later), quick ? 'quick mode: shouldReconnect asked for 1 s' : 'the registry says later: a random 5–30 s');
  row('bad messages', `${figures.bad.reported}/${figures.bad.sent}`, `reported as \`invalid\`; connection ${figures.bad.kept ? 'kept' : 'LOST'}`);
  row('ticks received', ticks, 'valid typed messages from the server');
  const ok =
    unreported.length === 0 && doubleReports + deliveredAndDropped === 0 && inOrder && received.length === distinct.size && figures.bad.kept && (!resume || inFlight.length === 0);
  if (reportTo) {
    const report = { sent, delivered: distinct.size, duplicates: received.length - distinct.size, inOrder, dropped: dropped.size, reasons, lostInFlight: inFlight.length, unreported: unreported.length, reconnects: client.stats.reconnects, resumedOpens, ticks, ok };
    writeFileSync(reportTo, JSON.stringify(report));
  }
  console.log(ok ? green('\nOK: every fault survived, nothing lost silently') : red('\nFAILED: a message vanished, arrived twice or out of order, was reported twice, or a bad message cost the connection'));
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => fail(error.stack ?? error));
