// A loopback server that can die and come back on the same port, for the storm, recovery
// and idle-memory measurements. Its own process, driven over IPC by bench/storm.mjs:
//
//   { cmd: 'listen', servers: K }          → { event: 'ports', ports }      K listeners on port 0
//   { cmd: 'drop', downMs, messages }      → { event: 'down', at }, then { event: 'up', at }
//       every connection is destroyed (the clients see an abnormal close, 1006) and every
//       listener closed, so new attempts are refused at the TCP level; after `downMs` each
//       listener listens again on its old port.
//   { cmd: 'report' }                      → { event: 'report', arrivals, flushed, disorder }
//       arrivals: [client, ms] the first WebSocket connection of each client after the drop;
//       flushed: [client, ms] when that client's `messages` queued messages had all arrived.
//   pushed while up: { event: 'flushed', client, at } as each client's messages complete.
//
// Clients name themselves in the URL (`/?c=ID`); messages are `ID:SEQ`. Times are `now()`:
// CLOCK_MONOTONIC, which the client process reads too.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { now } from './contenders.mjs';

const wss = new WebSocketServer({ noServer: true, clientTracking: false });
const listeners = [];
let dropped = false;
let expected = 0;
const arrivals = new Map();
const counts = new Map();
const flushed = new Map();
let disorder = 0;

function listen(port) {
  const http = createServer((_, res) => res.writeHead(426).end());
  const sockets = new Set();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => accepted(ws, request)));
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve({ http, sockets, port: http.address().port }));
  });
}

function accepted(ws, request) {
  const client = new URL(request.url, 'http://x').searchParams.get('c') ?? '?';
  if (!dropped) return;
  if (!arrivals.has(client)) arrivals.set(client, now());
  ws.on('message', (data) => {
    const [from, seq] = String(data).split(':');
    const count = counts.get(from) ?? 0;
    if (Number(seq) !== count) disorder++;
    counts.set(from, count + 1);
    if (count + 1 === expected) {
      const at = now();
      flushed.set(from, at);
      process.send({ event: 'flushed', client: from, at });
    }
  });
}

process.on('message', async (message) => {
  if (message.cmd === 'listen') {
    for (let i = 0; i < message.servers; i++) listeners.push(await listen(0));
    process.send({ event: 'ports', ports: listeners.map((l) => l.port) });
  } else if (message.cmd === 'drop') {
    dropped = true;
    expected = message.messages ?? 0;
    const down = now();
    for (const { http, sockets } of listeners) {
      http.close();
      for (const socket of sockets) socket.destroy();
    }
    process.send({ event: 'down', at: down });
    setTimeout(async () => {
      const back = await Promise.all(listeners.map(({ port }) => listen(port)));
      listeners.splice(0, listeners.length, ...back);
      process.send({ event: 'up', at: now() });
    }, message.downMs);
  } else if (message.cmd === 'report') {
    process.send({ event: 'report', arrivals: [...arrivals], flushed: [...flushed], disorder });
  }
});
process.on('disconnect', () => process.exit(0));
