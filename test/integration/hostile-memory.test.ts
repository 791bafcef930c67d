/**
 * Issue 14's memory acceptance, on a real `ws` server: 300 messages of 1 MB pass a channel
 * whose iterator is never consumed, and the heap stays under 100 MB (0.1.0 held 959 MB for
 * 1,100 such messages until `return()`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channels } from '../../src/channels/index';
import { SteadySocket } from '../../src/socket/index';
import { TestServer, until } from './server';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('a channel iterator nobody consumes', () => {
  it('keeps the heap under 100 MB while 300 messages of 1 MB pass', async () => {
    const payload = 'x'.repeat(1_000_000);
    const server = new TestServer((ws) => {
      let sent = 0;
      const next = () => {
        if (sent++ === 300) return;
        ws.send(JSON.stringify({ channel: 'feed', data: payload }), next);
      };
      next();
    });
    await server.start();
    cleanup.push(() => server.stop());
    const socket = new SteadySocket(server.url, { WebSocket, lifecycleEvents: null });
    cleanup.push(() => socket.close());
    const api = channels<{ feed: { receive: string } }>(socket, { maxMessageSize: 2_000_000 });
    const feed = api.channel('feed');
    let overflowed = 0;
    feed.on('overflow', () => overflowed++);
    let seen = 0;
    feed.on('message', () => seen++);
    const iterator = feed.iterate(); // never consumed
    gc();
    const before = process.memoryUsage().heapUsed;
    await until(() => seen === 300, 60_000, '300 messages');
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(100 * 1024 * 1024);
    expect(overflowed).toBeGreaterThan(290); // 4 Mi characters hold four of them
    await iterator.return!();
  }, 90_000);
});
