// The loopback server of the session-overhead benchmark (bench/resume.mjs), in its own
// process: a `ws` server wrapped by the reference SessionServer, so a SteadySocket with
// `resume` gets a session and one without gets a plain (pass-through) one. Prints its port.
//
// ?send=N: counts the client's messages; at N it answers `done <bytes read> <bytes written>`
//   (the connection's TCP bytes, so the client can compute what the wire carried).
// ?receive=N&bytes=B: sends N messages of B bytes through the session, as fast as its window
//   and the socket's buffer allow, then `done <bytes read> <bytes written>`.
import { WebSocketServer } from 'ws';
import { SessionServer } from 'steadysocket/server';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 24 });
const server = new SessionServer(wss, { pingInterval: 0, ...(process.env.WIN && { maxBytes: Number(process.env.WIN) }) });
const requests = new WeakMap();
wss.on('connection', (ws, request) => requests.set(ws, request));
server.on('session', (session, request) => {
  const params = new URL(request.url, 'http://x').searchParams;
  const tcp = request.socket;
  const done = () => session.send(`done ${tcp.bytesRead} ${tcp.bytesWritten}`);
  if (params.has('send')) {
    const expected = Number(params.get('send'));
    let count = 0;
    session.on('message', () => ++count === expected && done());
    return;
  }
  const total = Number(params.get('receive'));
  const message = 'x'.repeat(Number(params.get('bytes')));
  let sent = 0;
  const pump = () => {
    // Hand over only what the session writes at once: beyond its window it would queue.
    while (sent < total && session.queued === 0 && tcp.writableLength < 1 << 20) {
      session.send(message);
      sent++;
    }
    if (sent < total) setImmediate(pump);
    else done();
  };
  // The client starts listening at its open, which the welcome precedes.
  setImmediate(pump);
});
wss.on('listening', () => console.log(wss.address().port));
process.on('disconnect', () => {
  server.close();
  wss.close(() => process.exit(0));
});
