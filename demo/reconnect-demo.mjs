// npm run demo [-- --quick]
//
// A SteadySocket streams numbered messages to a local echo server that keeps crashing and
// coming back on the same port. The timeline shows the client losing the connection,
// backing off with jitter, queueing what it is asked to send, and flushing on reconnect;
// the summary checks what the server actually received against what the client sent.
import { once } from 'node:events';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { SteadySocket } from 'steadysocket'; // the package itself, from dist/ (npm run build)

const quick = process.argv.includes('--quick');
// Each outage starts once the client has been back for `uptime` ms, so every outage costs
// one reconnect whatever the jitter rolled. The long one outlasts several retries.
const PLAN = quick
  ? { uptime: 500, outages: [300, 500, 1000] }
  : { uptime: 1200, outages: [400, 800, 3000, 1200] };
const OPTIONS = { minDelay: 200, maxDelay: 2000, factor: 2, jitter: 'full', connectTimeout: 2000,
  // The default (5 s) would carry the backoff over between our closely spaced outages.
  minUptime: 400 };
const SEND_EVERY = 100;
// A message written this shortly before its connection was found dead may be lost with it.
const IN_FLIGHT_MS = 500;

// Never hang CI: whatever happens, give up after 60 s (unref: this alone keeps nothing alive).
setTimeout(() => { console.error('demo: still running after 60 s, giving up'); process.exit(1); }, 60_000).unref();

// Colours only for humans at a terminal; CI logs and pipes get plain text.
const tty = process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI;
const paint = (code) => (text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const [red, green, yellow, dim] = [paint(31), paint(32), paint(33), paint(2)];

const t0 = performance.now();
const now = () => performance.now() - t0;
let client; // the SteadySocket, once created: every timeline line shows its queue
function log(who, text, color = (s) => s) {
  const stamp = `+${(now() / 1000).toFixed(2)}s`.padStart(7);
  const queued = client ? dim(`queued ${client.stats.queued}`) : '';
  console.log(`${stamp}  ${who.padEnd(6)} ${color(text.padEnd(58))} ${queued}`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(predicate, ms, what) {
  for (const deadline = now() + ms; !predicate(); await sleep(20)) {
    if (now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  }
}
const numberOf = (data) => Number(String(data).slice(4)); // "msg 42" → 42

// ---- the server: echoes, and records every message number it receives, across restarts
const received = [];
let http, wss, port = 0;
async function startServer() {
  http = createServer();
  wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => {
    received.push(numberOf(data));
    socket.send(data, { binary: isBinary });
  }));
  http.listen(port, '127.0.0.1'); // port 0 the first time, then the same port again
  await once(http, 'listening');
  port = http.address().port;
}
async function crashServer() {
  // A crash, not a shutdown: no closing handshake, the client sees 1006.
  for (const socket of wss.clients) socket.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

// ---- the client's side of the bookkeeping
let sent = 0;               // messages handed to send()
const accepted = [];        // accepted by send(), not written to a socket yet, oldest first
const writtenOn = new Map(); // message number → { conn, at }: which connection carried it
let writes = 0;             // how many of stats.messagesSent are accounted for in writtenOn
const dropped = new Set();  // reported in a `drop` event
const lostAt = new Map();   // connection number → when the client found it dead
let conn = 0, connOpen = false, attempt = 0, lastError = '', queuedAtOpen = 0;

// The library writes in order and only drops what it has not written, so the k-th write
// is the k-th accepted message still around: stats.messagesSent tells us which went out.
function reconcile() {
  for (const written = client.stats.messagesSent; writes < written; writes++) {
    writtenOn.set(accepted.shift(), { conn, at: now() });
  }
}
function sendNext() {
  const n = ++sent;
  if (client.send(`msg ${n}`)) accepted.push(n); // false: a `drop` event said why
  reconcile();
}

async function main() {
  await startServer();
  log('server', `up on 127.0.0.1:${port}`, green);
  client = new SteadySocket(`ws://127.0.0.1:${port}/`, { WebSocket, ...OPTIONS });
  client.on('state', (e) => { if (e.state === 'open') queuedAtOpen = client.stats.queued; });
  client.on('open', () => {
    conn++;
    connOpen = true;
    reconcile(); // the queue was flushed onto the new connection just now
    const flushed = queuedAtOpen - client.stats.queued;
    if (conn === 1) log('client', 'connected', green);
    else log('client', `back (reconnect #${client.stats.reconnects}), flushed ${flushed} queued`, green);
  });
  // Kept for the `close` that follows a failed attempt ("connect ECONNREFUSED 127.0.0.1:…").
  client.on('error', (e) => { lastError = e.error.message.replace(/ [\d.]+:\d+$/, ''); });
  client.on('close', (e) => {
    reconcile();
    if (connOpen) {
      connOpen = false;
      if (e.willReconnect) lostAt.set(conn, now());
      log('client', `${e.willReconnect ? 'lost connection' : 'closed'} (code ${e.code})`, e.willReconnect ? red : green);
    } else {
      log('client', `attempt ${attempt} failed (${lastError || `code ${e.code}`})`, dim);
    }
    lastError = '';
  });
  client.on('reconnecting', (e) => {
    attempt = e.attempt;
    // Full jitter: a random delay in [0, cap], the cap doubling with every failed retry.
    const cap = Math.min(OPTIONS.maxDelay, OPTIONS.minDelay * OPTIONS.factor ** (e.attempt - 1));
    log('client', `reconnecting in ${Math.round(e.delay)} ms (attempt ${e.attempt}, cap ${cap} ms)`, yellow);
  });
  client.on('drop', (e) => {
    const n = numberOf(e.data);
    dropped.add(n);
    if (accepted.includes(n)) accepted.splice(accepted.indexOf(n), 1);
    log('client', `dropped msg ${n} (${e.reason})`, red);
  });

  const sender = setInterval(sendNext, SEND_EVERY);
  try {
    for (const down of PLAN.outages) {
      await until(() => connOpen, 15_000, 'the client to reconnect');
      await sleep(PLAN.uptime);
      await crashServer();
      log('server', `DOWN for ${down} ms (crashed, clients terminated)`, red);
      await sleep(down);
      await startServer();
      log('server', `up again on the same port`, green);
    }
    await until(() => connOpen, 15_000, 'the client to reconnect');
    await sleep(PLAN.uptime);
  } finally {
    clearInterval(sender);
    // A clean close: the closing handshake arrives after every message written before it.
    if (client.readyState !== SteadySocket.CLOSED) {
      const closed = once(client, 'close');
      client.close(1000, 'demo over');
      await closed;
    }
    if (http.listening) await crashServer();
  }
  summarise();
}

function summarise() {
  reconcile();
  const delivered = new Set(received);
  const inOrder = received.every((n, i) => i === 0 || n > received[i - 1]);
  const inFlight = [];
  const unreported = [];
  for (let n = 1; n <= sent; n++) {
    if (delivered.has(n) || dropped.has(n)) continue;
    // Written to a connection that died right after: gone with the TCP socket. No library
    // can know, as WebSocket has no acknowledgements. Anything else vanished silently.
    const w = writtenOn.get(n);
    const died = w && lostAt.get(w.conn);
    if (died !== undefined && died - w.at <= IN_FLIGHT_MS) inFlight.push(n);
    else unreported.push(n);
  }
  const { reconnects, messagesReceived } = client.stats;
  const listed = (ns) => `message${ns.length > 1 ? 's' : ''} ${ns.join(', ')}`;
  const row = (label, value, note = '') => console.log(`  ${label.padEnd(16)} ${String(value).padEnd(6)} ${dim(note)}`);
  console.log('\nSummary');
  row('sent', sent, 'messages handed to send()');
  row('delivered', delivered.size, 'distinct messages the server received');
  row('in order', inOrder ? 'yes' : 'no');
  row('duplicates', received.length - delivered.size);
  row('dropped', dropped.size, 'reported in `drop` events');
  row('lost in flight', inFlight.length, `${inFlight.length ? `${listed(inFlight)}: ` : ''}written just before a crash, gone with the TCP connection (no acks in WebSocket)`);
  row('unreported loss', unreported.length, unreported.length ? listed(unreported) : '');
  row('echoes', messagesReceived, 'messages echoed back to the client');
  row('reconnects', reconnects);
  const ok = reconnects >= 3 && unreported.length === 0;
  console.log(ok ? green('\nOK: every outage survived, nothing lost silently') : red('\nFAILED: fewer than 3 reconnects, or a message vanished without a drop report'));
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  console.error(red(`demo failed: ${error.stack ?? error}`));
  process.exitCode = 1;
});
