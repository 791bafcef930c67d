// What an idle connected client keeps on the heap, by kind of object: a diagnostic for the
// "heap per idle client" figure, from two heap snapshots in a fresh process:
//
//   node --expose-gc heap-breakdown.mjs <contender> <clients>
//
// One warm-up client opened and closed, a snapshot, <clients> clients opened (with the same
// open and close listeners as storm.mjs), a snapshot; the self sizes of the new objects are
// summed by constructor (or V8's kind for arrays, contexts, code…) and divided by <clients>.
// Prints one JSON line: { contender, clients, perClient, kinds: [{ kind, bytes, count }] }.
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { connect, heapAfterGc, sleep } from './contenders.mjs';

const [contender, clientsArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const server = fork(new URL('storm-server.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
process.on('exit', () => server.kill());
const deadline = setTimeout(() => process.exit(2), 60_000);
server.send({ cmd: 'listen', servers: 1 });
const [{ ports }] = await new Promise((resolve) => server.once('message', (m) => resolve([m])));
const url = `ws://127.0.0.1:${ports[0]}/`;

/** Self sizes and counts by kind of object, from a heap snapshot of this process. */
async function census() {
  await heapAfterGc();
  const file = writeHeapSnapshot(join(tmpdir(), `steadysocket-bench-${process.pid}.heapsnapshot`));
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const t = types[nodes[i + type]];
    const kind = t === 'object' ? strings[nodes[i + name]] : t === 'closure' ? 'closure' : t;
    const entry = kinds.get(kind) ?? { bytes: 0, count: 0 };
    entry.bytes += nodes[i + size];
    entry.count++;
    kinds.set(kind, entry);
  }
  return kinds;
}

const warm = connect(contender, url);
await new Promise((resolve) => warm.addEventListener('open', resolve));
warm.close();
await sleep(50);
const before = await census();
let open = 0;
const sockets = [];
for (let i = 0; i < clients; i++) {
  const socket = connect(contender, url);
  socket.addEventListener('open', () => open++);
  socket.addEventListener('close', () => {});
  sockets.push(socket);
}
while (open < clients) await sleep(10);
await sleep(300);
const after = await census();
const kinds = [];
let total = 0;
for (const [kind, { bytes, count }] of after) {
  const was = before.get(kind) ?? { bytes: 0, count: 0 };
  const grew = { kind, bytes: Math.round((bytes - was.bytes) / clients), count: Math.round(((count - was.count) / clients) * 100) / 100 };
  total += bytes - was.bytes;
  if (grew.bytes !== 0) kinds.push(grew);
}
kinds.sort((a, b) => b.bytes - a.bytes);
clearTimeout(deadline);
console.log(JSON.stringify({ contender, clients, perClient: Math.round(total / clients), kinds }));
process.exit(0);
