// One contender's clients in one fresh process, against bench/storm-server.mjs (forked here):
//
//   node --expose-gc storm.mjs <mode> <contender> <clients> <settleMs> <downMs> <timeoutMs> [messages] [options]
//
// [options] is JSON merged over the contender's defaults (for a what-if row; none by default).
// Every mode first connects and closes one warm-up client (so compiling the library's code
// is not charged to the clients), takes the heap after GC, connects <clients> clients, waits
// <settleMs> with all of them open and idle (past every library's 5 s `minUptime`, so each is
// in its steady state, as after a long-lived connection), and takes the heap after GC again:
// the difference over <clients> is the heap per idle connected client.
//
// mode 'idle': stops there.
// mode 'storm': one server; it drops every connection and refuses connections for <downMs>,
//   then listens again. Arrivals are the server's first accepted WebSocket of each client,
//   in 100 ms windows from the drop. Attempts are counted in the client process: every
//   library builds each attempt with the WebSocket constructor it is given, and this one
//   is a `ws` subclass that notes the time of each construction (a refused TCP connection
//   leaves no trace a server could count).
// mode 'recovery': <clients> independent pairs, each client alone on its own server. On the
//   drop each client sends <messages> messages (which it must queue); the figure is the time
//   from the server listening again until the server has all of them, in order.
//
// Prints one JSON line.
import { fork } from 'node:child_process';
import WebSocket from 'ws';
import { connect, heapAfterGc, now, sleep } from './contenders.mjs';

const [mode, contender, clientsArg, settleArg, downArg, timeoutArg, messagesArg, optionsArg] = process.argv.slice(2);
const options = JSON.parse(optionsArg ?? '{}');
const clients = Number(clientsArg);
const settleMs = Number(settleArg);
const downMs = Number(downArg);
const timeoutMs = Number(timeoutArg);
const messages = Number(messagesArg ?? 0);

// Preallocated outside the JS heap, so counting attempts adds nothing to the heap measured.
const attemptLog = new Float64Array(1 << 18);
let attempts = 0;
class CountedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    if (attempts < attemptLog.length) attemptLog[attempts] = now();
    attempts++;
  }
}

const server = fork(new URL('storm-server.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
process.on('exit', () => server.kill());
const waiting = new Map();
const pushed = [];
server.on('message', (message) => {
  if (message.event === 'flushed') pushed.push(message);
  const resolve = waiting.get(message.event);
  waiting.delete(message.event);
  resolve?.(message);
});
const next = (event) => new Promise((resolve) => waiting.set(event, resolve));
const deadline = setTimeout(() => {
  console.error(`storm.mjs ${mode} ${contender}: gave up after ${timeoutMs} ms`);
  process.exit(2);
}, timeoutMs);

async function until(condition, ms) {
  const end = now() + ms;
  while (!condition() && now() < end) await sleep(5);
  return condition();
}

server.send({ cmd: 'listen', servers: mode === 'recovery' ? clients : 1 });
const { ports } = await next('ports');
const urlOf = (i) => `ws://127.0.0.1:${ports[mode === 'recovery' ? i : 0]}/?c=${i}`;

// Warm-up: one client opened and closed, so the library's code is compiled before the baseline.
{
  const warm = connect(contender, `ws://127.0.0.1:${ports[0]}/?c=warm`, { Native: CountedWebSocket, options });
  await new Promise((resolve) => warm.addEventListener('open', resolve));
  warm.close();
  await sleep(50);
}
const before = await heapAfterGc();

let open = 0;
let reopened = 0;
const sockets = [];
for (let i = 0; i < clients; i++) {
  const socket = connect(contender, urlOf(i), { Native: CountedWebSocket, options });
  let dropped = false;
  socket.addEventListener('open', () => {
    if (dropped) reopened++;
    else open++;
  });
  socket.addEventListener('close', () => {
    if (dropped) return;
    dropped = true;
    // What an application keeps sending while the connection is down.
    for (let seq = 0; seq < messages; seq++) socket.send(`${i}:${seq}`);
  });
  sockets.push(socket);
}
if (!(await until(() => open === clients, timeoutMs))) throw new Error(`only ${open} of ${clients} opened`);
await sleep(settleMs);
const after = await heapAfterGc();
const memory = {
  heapPerClient: Math.round((after.heapUsed - before.heapUsed) / clients),
  externalPerClient: Math.round((after.external - before.external) / clients),
};
const result = { mode, contender, clients, settleMs, ...memory };

if (mode !== 'idle') {
  const attemptsBefore = attempts;
  server.send({ cmd: 'drop', downMs, messages });
  const { at: down } = await next('down');
  const { at: up } = await next('up');
  const done = mode === 'storm' ? () => reopened === clients : () => pushed.length === clients;
  await until(done, timeoutMs);
  server.send({ cmd: 'report' });
  const report = await next('report');
  Object.assign(result, { downMs, outageMs: Math.round(up - down), back: reopened });
  if (mode === 'storm') Object.assign(result, storm(report, down, up, attemptsBefore));
  else Object.assign(result, recovery(report, up));
}
clearTimeout(deadline);
console.log(JSON.stringify(result));
process.exit(0);

/** The p-quantile (0 < p ≤ 1) of `sorted`, or null when too few values arrived. */
function quantile(sorted, p, total) {
  const index = Math.ceil(p * total) - 1;
  return index < sorted.length ? Math.round(sorted[index]) : null;
}

function storm(report, down, up, attemptsBefore) {
  const times = report.arrivals.map(([, at]) => at - down).sort((a, b) => a - b);
  const windows = [];
  for (const t of times) {
    const w = Math.floor(t / 100);
    while (windows.length <= w) windows.push(0);
    windows[w]++;
  }
  let whileDown = 0;
  for (let i = attemptsBefore; i < Math.min(attempts, attemptLog.length); i++) {
    if (attemptLog[i] >= down && attemptLog[i] < up) whileDown++;
  }
  return {
    windows,
    peakShare: Math.max(0, ...windows) / clients,
    t50: quantile(times, 0.5, clients),
    t95: quantile(times, 0.95, clients),
    t100: quantile(times, 1, clients),
    attemptsWhileDown: whileDown,
    attemptsTotal: attempts - attemptsBefore,
  };
}

function recovery(report, up) {
  const times = report.flushed.map(([, at]) => at - up).sort((a, b) => a - b);
  return {
    messages,
    flushed: times.length,
    disorder: report.disorder,
    times: times.map(Math.round),
    median: quantile(times, 0.5, clients),
    p95: quantile(times, 0.95, clients),
    max: quantile(times, 1, clients),
  };
}
