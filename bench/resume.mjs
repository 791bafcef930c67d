// One measurement of the session overhead in a fresh process:
// `node resume.mjs <plain|resume> <send|receive> <bytes> <count> <port>` against
// bench/session-server.mjs. Prints one JSON line: { contender, direction, bytes, count,
// perSecond, wirePerMessage }.
//
// send: a SteadySocket sends `count` messages of `bytes`, paced as in client.mjs (send while
//   bufferedAmount < 1 MiB, else yield), until the server has them all.
// receive: the server sends `count` messages of `bytes` through the session; msg/s until the
//   last arrives.
// wirePerMessage: the TCP bytes of the connection in both directions (from the server's
//   socket, handshake included) divided by `count`: frames, tags, acks and all.
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';

const [contender, direction, bytesArg, countArg, port] = process.argv.slice(2);
const bytes = Number(bytesArg);
const count = Number(countArg);
const url = `ws://127.0.0.1:${port}/?${direction}=${count}&bytes=${bytes}`;
const socket = new SteadySocket(url, { WebSocket, resume: contender === 'resume' });
socket.addEventListener('error', (e) => {
  if (e.error.code !== 'RESUME_UNSUPPORTED') throw e.error;
});

let started = 0;
let received = 0;
socket.addEventListener('message', (event) => {
  const text = String(event.data);
  if (!text.startsWith('done ')) {
    received++;
    return;
  }
  const ms = performance.now() - started;
  const [read, written] = text.slice(5).split(' ').map(Number);
  if (direction === 'receive' && received !== count) throw new Error(`received ${received} of ${count}`);
  console.log(JSON.stringify({ contender, direction, bytes, count, ms: Math.round(ms), perSecond: Math.round(count / (ms / 1000)), wirePerMessage: Math.round(((read + written) / count) * 10) / 10 }));
  socket.close();
  setTimeout(() => process.exit(0), 50);
});

socket.addEventListener('open', () => {
  started = performance.now();
  if (direction !== 'send') return;
  const message = 'x'.repeat(bytes);
  let sent = 0;
  const pump = () => {
    while (sent < count && socket.bufferedAmount < 1 << 20) {
      socket.send(message);
      sent++;
    }
    if (sent < count) setImmediate(pump);
  };
  pump();
});
