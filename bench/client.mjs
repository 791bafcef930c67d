// One measurement in a fresh process: `node client.mjs <contender> <bytes> <count> <port> <mode>`.
// Prints one JSON line: { contender, bytes, count, mode, ms, perSecond, peakMemMiB, accepted }.
//
// mode 'paced': the producer every library's docs suggest — send while bufferedAmount is
//   under 1 MiB, else yield a macrotask. Measures the cost of the send path.
// mode 'burst': send all `count` messages in one synchronous loop, as naive code does, to a
//   server that stops reading for the first second (a slow consumer).
//   Measures memory: raw ws and the clients built on it buffer everything; SteadySocket's
//   queue is bounded and refuses (and reports) what does not fit.
import WebSocket from 'ws';
import ReconnectingWebSocket from 'reconnecting-websocket';
import { WebSocket as PartySocket } from 'partysocket';
import { SteadySocket } from 'steadysocket';

const [contender, bytesArg, countArg, port, mode] = process.argv.slice(2);
const bytes = Number(bytesArg);
const count = Number(countArg);
const url = `ws://127.0.0.1:${port}/?${mode === 'burst' ? 'expect=0&stall=1000' : `expect=${count}`}`;

const make = {
  ws: () => new WebSocket(url),
  'reconnecting-websocket': () => new ReconnectingWebSocket(url, [], { WebSocket }),
  partysocket: () => new PartySocket(url, [], { WebSocket }),
  steadysocket: () => new SteadySocket(url, { WebSocket }),
}[contender];
if (!make) throw new Error(`unknown contender ${contender}`);

const message = 'x'.repeat(bytes);
const LIMIT = 1 << 20;
const socket = make();
let peakHeap = 0;
// Buffers live outside the JS heap (`external`): count both, or ws's send buffer is invisible.
const memory = () => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};
const sampleHeap = () => (peakHeap = Math.max(peakHeap, memory()));

socket.addEventListener('open', () => {
  global.gc?.();
  const heapBefore = memory();
  const sampler = setInterval(sampleHeap, 5);
  const started = performance.now();
  let sent = 0;
  let accepted = 0;
  socket.addEventListener('message', (event) => {
    if (String(event.data) !== 'done') return;
    const ms = performance.now() - started;
    clearInterval(sampler);
    sampleHeap();
    const result = {
      contender, bytes, count, mode, ms: Math.round(ms),
      perSecond: Math.round((mode === 'burst' ? accepted : count) / (ms / 1000)),
      peakMemMiB: Math.round(((peakHeap - heapBefore) / 2 ** 20) * 10) / 10,
      accepted,
    };
    console.log(JSON.stringify(result));
    socket.close();
    setTimeout(() => process.exit(0), 50);
  });
  if (mode === 'burst') {
    for (sent = 0; sent < count; sent++) if (socket.send(message) !== false) accepted++;
    sampleHeap();
    // Sent after everything accepted, so "done" means all of it arrived. A full bounded
    // queue refuses it (returns false): try again once it has drained.
    const finish = () => (socket.send('last') === false ? setTimeout(finish, 1) : undefined);
    finish();
    return;
  }
  const pump = () => {
    while (sent < count && socket.bufferedAmount < LIMIT) {
      socket.send(message);
      sent++;
    }
    accepted = sent;
    if (sent < count) setImmediate(pump);
  };
  pump();
});
