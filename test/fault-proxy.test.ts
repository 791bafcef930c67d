/**
 * The fault proxy itself, with plain TCP on both sides: each fault does what it says, and
 * switching at runtime takes effect on the connections it is meant for.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A TCP server that echoes; `serverSockets` are its ends of the connections. */
async function echoServer() {
  const serverSockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    serverSockets.push(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => new Promise<void>((resolve) => {
    for (const s of serverSockets) s.destroy();
    server.close(() => resolve());
  }));
  return { port: (server.address() as AddressInfo).port, serverSockets };
}

async function proxyTo(port: number) {
  const proxy = await new FaultProxy(port).start();
  cleanup.push(() => proxy.stop());
  return proxy;
}

/** A client connection that records what it receives and how it ended. */
async function dial(port: number) {
  const socket = connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  const ended = { error: undefined as string | undefined, end: 0, close: 0 };
  socket.on('data', (chunk) => got.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (ended.error = error.code));
  socket.on('end', () => (ended.end = Date.now()));
  socket.on('close', () => (ended.close = Date.now()));
  cleanup.push(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve).once('close', resolve));
  return { socket, raw: () => Buffer.concat(got), text: () => Buffer.concat(got).toString(), bytes: () => got.reduce((n, c) => n + c.length, 0), ended };
}

async function until(predicate: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const quiet = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FaultProxy', { timeout: 15_000 }, () => {
  it("'pass' forwards both ways and counts the bytes", async () => {
    const { port } = await echoServer();
    const proxy = await proxyTo(port);
    const c = await dial(proxy.port);
    c.socket.write('hello');
    await until(() => c.text() === 'hello');
    expect(proxy.stats).toMatchObject({ connections: 1, bytesUp: 5, bytesDown: 5, faults: 0 });
  });

  it('latency with jitter delays every chunk within its bounds and keeps the byte order', async () => {
    const { port } = await echoServer();
    const proxy = await proxyTo(port);
    await proxy.set({ mode: 'latency', ms: 60, jitter: 30 });
    const c = await dial(proxy.port);
    const start = Date.now();
    const sent = Array.from({ length: 40 }, (_, i) => `<${i}>`).join('');
    for (let i = 0; i < 40; i++) c.socket.write(`<${i}>`);
    await until(() => c.text().length === sent.length, 5000, 'the echo');
    // Two crossings, each at least ms - jitter; chunks travel side by side, not one after
    // another (40 in a row would take 40 × 60 ms at least). The upper margin is for a loaded machine.
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(2 * (60 - 30) - 2);
    expect(took).toBeLessThan(2 * (60 + 30) + 1000);
    expect(c.text()).toBe(sent);
  });

  it("'blackhole' on current connections swallows bytes and closes; new connections pass", async () => {
    const { port, serverSockets } = await echoServer();
    const proxy = await proxyTo(port);
    const c = await dial(proxy.port);
    c.socket.write('a');
    await until(() => c.text() === 'a');
    await proxy.set('blackhole', 'current');
    c.socket.write('lost');
    serverSockets[0]!.destroy(); // the server goes away: the client must not hear of it
    await quiet(150);
    expect(c.text()).toBe('a');
    expect(c.ended).toEqual({ error: undefined, end: 0, close: 0 });
    expect(proxy.stats.bytesDiscarded).toBeGreaterThanOrEqual(4);

    const d = await dial(proxy.port);
    d.socket.write('fresh');
    await until(() => d.text() === 'fresh', 3000, 'a new connection to pass');
  });

  it("'blackhole' for new connections accepts them and never answers", async () => {
    const { port, serverSockets } = await echoServer();
    const proxy = await proxyTo(port);
    await proxy.set('blackhole', 'new');
    const c = await dial(proxy.port);
    c.socket.write('GET / HTTP/1.1\r\n\r\n');
    // The proxy dials the server as for any connection; nothing crosses it, either way.
    await until(() => serverSockets.length === 1, 3000, 'the upstream connection');
    await quiet(150);
    expect(c.bytes()).toBe(0); // the echo server would have answered what reached it
    expect(c.ended.close).toBe(0);
  });

  it("'reset' sends RST to both sides, and resets new connections on arrival", async () => {
    const { port, serverSockets } = await echoServer();
    const proxy = await proxyTo(port);
    const c = await dial(proxy.port);
    c.socket.write('x');
    await until(() => c.text() === 'x');
    const serverSide = { error: '' };
    serverSockets[0]!.on('error', (e: NodeJS.ErrnoException) => (serverSide.error = e.code ?? ''));
    await proxy.set('reset');
    await until(() => c.ended.close > 0, 3000, 'the client to be reset');
    expect(c.ended.error).toBe('ECONNRESET');
    await until(() => serverSockets[0]!.destroyed, 3000, 'the server side to be reset');
    expect(serverSide.error).toBe('ECONNRESET');
    const d = await dial(proxy.port);
    await until(() => d.ended.close > 0, 3000, 'a new connection to be reset');
    expect(d.ended.error).toBe('ECONNRESET');
    expect(proxy.stats.resets).toBe(2);
  });

  it("'slow-close' delays the close by its ms, after the data", async () => {
    const { port, serverSockets } = await echoServer();
    const proxy = await proxyTo(port);
    await proxy.set({ mode: 'slow-close', ms: 250 });
    const c = await dial(proxy.port);
    c.socket.write('bye');
    await until(() => c.text() === 'bye');
    const endedAt = Date.now();
    serverSockets[0]!.end();
    await until(() => c.ended.end > 0, 3000, 'the FIN');
    expect(c.ended.end - endedAt).toBeGreaterThanOrEqual(240);
  });

  it("'down' refuses new connections, keeps open ones, and comes back on the same port", async () => {
    const { port } = await echoServer();
    const proxy = await proxyTo(port);
    const kept = await dial(proxy.port);
    const listenedOn = proxy.port;
    await proxy.set('down');
    const refused = await dial(proxy.port);
    await until(() => refused.ended.close > 0);
    expect(refused.ended.error).toBe('ECONNREFUSED');
    kept.socket.write('still here');
    await until(() => kept.text() === 'still here');
    await proxy.set('pass');
    expect(proxy.port).toBe(listenedOn);
    const back = await dial(proxy.port);
    back.socket.write('up');
    await until(() => back.text() === 'up');
  });

  it('bandwidth limits the rate and delivers every byte in order', async () => {
    const { port } = await echoServer();
    const proxy = await proxyTo(port);
    await proxy.set({ mode: 'bandwidth', bytesPerSecond: 400_000 });
    const c = await dial(proxy.port);
    const payload = Buffer.alloc(100_000, 0).map((_, i) => i % 251);
    const start = Date.now();
    c.socket.write(payload);
    await until(() => c.bytes() === payload.length, 5000, 'the echo');
    // 100 kB each way at 400 kB/s: at least a quarter of a second, even with the directions overlapping.
    expect(Date.now() - start).toBeGreaterThanOrEqual(240);
    expect(c.raw().equals(payload)).toBe(true);
  });
});
