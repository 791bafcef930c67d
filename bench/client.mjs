// One measurement in a fresh process: `node client.mjs <contender> <bytes> <count> <port> <mode>`.
// Prints one JSON line: { contender, bytes, count, mode, ms, perSecond, peakMemMiB, accepted }.
//
// mode 'paced': the producer every library's docs suggest — send while bufferedAmount is
//   under 1 MiB, else yield a macrotask. Measures the cost of the send path.
// mode 'burst': send all `count` messages in one synchronous loop, as naive code does, to a
//   server that stops reading for the first second (a slow consumer).
//   Measures memory: raw ws and the clients built on it buffer everything; SteadySocket's
//   queue is bounded and refuses (and reports) what does not fit.
// mode 'receive': the server streams `count` JSON envelopes over three channels, then an
//   end marker. Measures decoding and dispatch, from the first message to the marker:
//   'ws-switch' is raw ws with JSON.parse and a switch on the channel name (what one writes
//   by hand), 'steadysocket-raw' the same code on SteadySocket's onmessage, and
//   'steadysocket-channels' typed channel listeners (`channels(sock).channel('chat').on('message')`).
//   `accepted` is the number of channel messages counted.
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';
import { channels } from 'steadysocket/channels';
import { connect } from './contenders.mjs';

const [contender, bytesArg, countArg, port, mode] = process.argv.slice(2);
const bytes = Number(bytesArg);
const count = Number(countArg);
const url = `ws://127.0.0.1:${port}/?${mode === 'burst' ? 'expect=0&stall=1000' : mode === 'receive' ? `receive=${count}` : `expect=${count}`}`;

let peakHeap = 0;
// Buffers live outside the JS heap (`external`): count both, or ws's send buffer is invisible.
const memory = () => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};
const sampleHeap = () => (peakHeap = Math.max(peakHeap, memory()));

if (mode === 'receive') receive();
else send();

function receive() {
  const counts = { chat: 0, presence: 0, ticker: 0 };
  let started = 0;
  let cpuBefore;
  let heapBefore = 0;
  let sampler;
  const first = () => {
    global.gc?.();
    heapBefore = memory();
    sampler = setInterval(sampleHeap, 5);
    started = performance.now();
    cpuBefore = process.cpuUsage();
  };
  let close = () => {};
  const done = () => {
    const ms = performance.now() - started;
    // CPU time, not wall time: the client waits on the server about half of the time, and
    // how the two processes share 2 cores varies far more than the dispatch cost compared here.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    clearInterval(sampler);
    sampleHeap();
    const accepted = counts.chat + counts.presence + counts.ticker;
    if (accepted !== count) throw new Error(`${contender} counted ${accepted} of ${count} messages`);
    const result = {
      contender, bytes, count, mode, ms: Math.round(ms),
      perSecond: Math.round(count / (cpuMs / 1000)),
      wallPerSecond: Math.round(count / (ms / 1000)),
      peakMemMiB: Math.round(((peakHeap - heapBefore) / 2 ** 20) * 10) / 10,
      accepted,
    };
    console.log(JSON.stringify(result));
    close();
    setTimeout(() => process.exit(0), 50);
  };
  // The hand-written dispatch, shared by the two raw contenders.
  const dispatch = (text) => {
    if (started === 0) first();
    const msg = JSON.parse(text);
    switch (msg.channel) {
      case 'chat':
        if (typeof msg.data.text === 'string') counts.chat++;
        break;
      case 'presence':
        if (typeof msg.data.online === 'boolean') counts.presence++;
        break;
      case 'ticker':
        if (typeof msg.data.price === 'number') counts.ticker++;
        break;
      case 'done':
        done();
        break;
    }
  };
  if (contender === 'ws-switch') {
    const ws = new WebSocket(url);
    ws.on('message', (data) => dispatch(data.toString()));
    close = () => ws.close();
  } else if (contender === 'steadysocket-raw') {
    const sock = new SteadySocket(url, { WebSocket });
    sock.onmessage = (event) => dispatch(event.data);
    close = () => sock.close();
  } else if (contender === 'steadysocket-channels') {
    const sock = new SteadySocket(url, { WebSocket });
    const api = channels(sock);
    // What `api.channel('chat')` types from the Api in TypeScript; the same checks as above.
    api.channel('chat').on('message', (m) => {
      if (started === 0) first();
      if (typeof m.text === 'string') counts.chat++;
    });
    api.channel('presence').on('message', (m) => {
      if (started === 0) first();
      if (typeof m.online === 'boolean') counts.presence++;
    });
    api.channel('ticker').on('message', (m) => {
      if (started === 0) first();
      if (typeof m.price === 'number') counts.ticker++;
    });
    api.channel('done').on('message', done);
    close = () => sock.close();
  } else {
    throw new Error(`unknown contender ${contender}`);
  }
}

function send() {
  const message = 'x'.repeat(bytes);
  const LIMIT = 1 << 20;
  const socket = connect(contender, url);

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
}
