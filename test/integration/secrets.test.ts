/**
 * No secret leaves through an error (API.md §11, issue 14 item 1): against real `ws`
 * servers on 127.0.0.1, what a careless `console.error(e.error)` prints, `e.message`, the
 * close events' reasons and `reconnecting.lastClose` never carry a URL's query or credentials.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type UrlProvider } from '../../src/socket/index';
import { until } from './server';

const SECRET = 's3cret-T0KEN';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Everything the app could print or read about the failures, as text. */
async function observe(url: UrlProvider, attempts = 2): Promise<string> {
  const socket = new SteadySocket(url, { WebSocket, minDelay: 10, maxDelay: 20, connectTimeout: 2000, lifecycleEvents: null });
  cleanups.push(() => socket.close());
  const seen: string[] = [];
  let errors = 0;
  socket.addEventListener('error', (e) => {
    errors++;
    seen.push(inspect(e.error, { depth: 10 }), e.message, String(e.error.stack));
  });
  socket.addEventListener('close', (e) => seen.push(e.reason));
  // Every field of lastClose but `target` (the socket itself, whose `url` shows the whole URL,
  // as a native socket's does).
  socket.on('reconnecting', (e) => seen.push(inspect({ ...e.lastClose, target: undefined }, { depth: 5 }), e.lastClose.reason));
  await until(() => errors >= attempts, 10_000, 'the failed attempts');
  socket.close();
  return seen.join('\n');
}

async function httpServer(handle: (server: ReturnType<typeof createServer>) => void): Promise<number> {
  const server = createServer((_, res) => res.end());
  handle(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('no secret in errors, close reasons or lastClose', () => {
  it('a refused port', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const text = await observe(`ws://127.0.0.1:1/closed?token=${SECRET}`);
    expect(text).toMatch(/ECONNREFUSED|error/);
    expect(text).not.toContain(SECRET);
  });

  it('an HTTP 401 handshake', async () => {
    const port = await httpServer((server) =>
      server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')),
    );
    const text = await observe(`ws://127.0.0.1:${port}/feed?token=${SECRET}`);
    expect(text).toContain('401');
    expect(text).not.toContain(SECRET);
  });

  it('a provider URL the constructor rejects', async () => {
    const text = await observe(() => `ws://127.0.0.1:99999/feed?token=${SECRET}`);
    expect(text).toContain('CONNECT_FAILED');
    expect(text).not.toContain(SECRET);
  });

  it('credentials in the URL', async () => {
    const port = await httpServer((server) => server.on('upgrade', (_req, socket) => socket.destroy()));
    const text = await observe(`ws://user:${SECRET}@127.0.0.1:${port}/feed`);
    expect(text).not.toContain(SECRET);
  });
});
