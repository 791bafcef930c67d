// Heap across reconnect cycles, one client in a fresh process:
//
//   node --expose-gc cycles.mjs <contender> <port> <warmup> <cycles>
//
// Each cycle: the client opens, sends "n", and the server (bench/server.mjs ?cycle) drops the
// connection without a closing handshake; the client sends "q" while it is down (which it
// must queue and flush on the next open) and reconnects. The delays are shortened to ~1 ms
// (contenders.mjs FAST_RETRY), or 1000 cycles would take an hour with any default backoff;
// the path through the code is the same. Raw ws, which cannot reconnect, is the control: a
// new client per cycle, built on close.
//
// After <warmup> cycles (JIT, caches) the heap is taken after GC while the client is open and
// idle, and again after <cycles> more (each the lowest of three, as V8 finishes sweeping).
// Heap bytes after GC still move by a few hundred KB on their own (the control shows how
// much), so a second check is exact: every native socket is registered with a
// FinalizationRegistry, and `retained` counts those of finished cycles that GC could not
// collect (a wrapper that keeps old connections, or their listeners, alive shows up there).
// Prints one JSON line: { contender, cycles, before, after, growth, perCycle, retained, ms }.
import WebSocket from 'ws';
import { connect, FAST_RETRY, heapAfterGc, now } from './contenders.mjs';

const [contender, port, warmupArg, cyclesArg] = process.argv.slice(2);
const warmup = Number(warmupArg);
const cycles = Number(cyclesArg);
const checkpoints = new Map([
  [warmup + 1, 'before'],
  [warmup + 1 + cycles, 'after'],
]);

let created = 0;
let collected = 0;
const registry = new FinalizationRegistry(() => collected++);
class TrackedWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    created++;
    registry.register(this, undefined);
  }
}

const heaps = {};
let opens = 0;
let started = 0;
let retained = 0;
let done = false;
const url = `ws://127.0.0.1:${port}/?cycle`;
let socket;
if (contender === 'ws') {
  const dial = () => {
    socket = connect('ws', url, { Native: TrackedWebSocket });
    socket.addEventListener('open', opened);
    socket.addEventListener('close', () => done || setTimeout(dial, 1));
  };
  dial();
} else {
  socket = connect(contender, url, { Native: TrackedWebSocket, options: FAST_RETRY[contender] });
  socket.addEventListener('open', opened);
  socket.addEventListener('close', () => done || socket.send('q'));
}

async function opened() {
  opens++;
  const checkpoint = checkpoints.get(opens);
  if (checkpoint) {
    let lowest = Infinity;
    for (let i = 0; i < 3; i++) lowest = Math.min(lowest, (await heapAfterGc()).heapUsed);
    heaps[checkpoint] = lowest;
    if (checkpoint === 'before') started = now();
    if (checkpoint === 'after') {
      // Every native socket but the open one has closed: all of them should be collectable.
      retained = created - collected - 1;
      return finish();
    }
  }
  socket.send('n');
}

function finish() {
  done = true;
  const growth = heaps.after - heaps.before;
  const dropped = socket.stats?.dropped ?? 0;
  if (dropped > 0) throw new Error(`${contender} dropped ${dropped} messages`);
  console.log(JSON.stringify({ contender, cycles, ...heaps, growth, perCycle: Math.round(growth / cycles), retained, ms: Math.round(now() - started) }));
  socket.close();
  setTimeout(() => process.exit(0), 50);
}
