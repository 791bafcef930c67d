import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channels } from '../../src/channels/index';
import { SteadySocket } from '../../src/socket/index';
import { TestServer, until } from './server';

type Api = {
  chat: { receive: { from: string; text: string }; send: { text: string } };
  time: { request: { zone: string }; reply: { now: number } };
  slow: { request: null; reply: string };
  fail: { request: null; reply: never };
};

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A server speaking the default envelope: chat is echoed to everyone as {from, text}; requests are answered. */
function apiServer(options: { dropBeforeReplying?: (srv: TestServer) => boolean } = {}) {
  return new TestServer((ws, srv) => {
    ws.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { channel: string; id?: number; data: unknown };
      switch (message.channel) {
        case 'chat':
          for (const client of srv.clients) client.send(JSON.stringify({ channel: 'chat', data: { from: 'server', text: (message.data as { text: string }).text } }));
          break;
        case 'time':
          if (options.dropBeforeReplying?.(srv)) ws.terminate();
          else ws.send(JSON.stringify({ id: message.id, data: { now: 1_700_000_000_000 } }));
          break;
        case 'fail':
          ws.send(JSON.stringify({ id: message.id, error: 'not allowed' }));
          break;
        case 'slow':
          break; // never answers
      }
    });
  });
}

/** A socket on `srv`, open, with a channel client on it. */
async function connect(srv: TestServer) {
  const socket = new SteadySocket(srv.url, { WebSocket, minDelay: 20, maxDelay: 100 });
  cleanup.push(() => socket.close());
  const api = channels<Api>(socket);
  await until(() => socket.readyState === 1);
  return { socket, api };
}

describe('channels and requests against a real ws server', { timeout: 20_000 }, () => {
  it('channel messages both ways', async () => {
    const srv = await apiServer().start();
    cleanup.push(() => srv.stop());
    const { api } = await connect(srv);
    const chat = api.channel('chat');
    const seen: string[] = [];
    chat.on('message', (m) => seen.push(`${m.from}: ${m.text}`));
    chat.send({ text: 'hello' });
    chat.send({ text: 'world' });
    await until(() => seen.length === 2);
    expect(seen).toEqual(['server: hello', 'server: world']);
  });

  it('for await over a channel', async () => {
    const srv = await apiServer().start();
    cleanup.push(() => srv.stop());
    const { api } = await connect(srv);
    const chat = api.channel('chat');
    const texts: string[] = [];
    const loop = (async () => {
      for await (const m of chat) {
        texts.push(m.text);
        if (texts.length === 3) break;
      }
    })();
    for (const text of ['a', 'b', 'c']) chat.send({ text });
    await loop;
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it('request/reply, error reply, timeout and abort', async () => {
    const srv = await apiServer().start();
    cleanup.push(() => srv.stop());
    const { api } = await connect(srv);
    await expect(api.request('time', { zone: 'UTC' })).resolves.toEqual({ now: 1_700_000_000_000 });
    await expect(api.request('fail', null)).rejects.toMatchObject({ code: 'REQUEST_FAILED', message: 'not allowed' });
    await expect(api.request('slow', null, { timeout: 100 })).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    const controller = new AbortController();
    const aborted = api.request('slow', null, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(aborted).rejects.toMatchObject({ code: 'REQUEST_ABORTED' });
  });

  it('an idempotent request is resent across a server restart and answered', async () => {
    let restarted = false;
    const srv = await apiServer({
      dropBeforeReplying: (server) => {
        if (restarted) return false;
        restarted = true;
        void server.restart(); // the whole server goes down and comes back on the same port
        return true;
      },
    }).start();
    cleanup.push(() => srv.stop());
    const { socket, api } = await connect(srv);
    // The server reads the request, then restarts without replying.
    const reply = api.request('time', { zone: 'UTC' }, { idempotent: true, timeout: 5000 });
    await expect(reply).resolves.toEqual({ now: 1_700_000_000_000 });
    expect(srv.received.filter((m) => String(m).includes('"time"'))).toHaveLength(2);
    expect(socket.stats.reconnects).toBe(1);
  });

  it('a non-idempotent request written before the connection died rejects with CONNECTION_LOST', async () => {
    const srv = await apiServer({ dropBeforeReplying: () => true }).start();
    cleanup.push(() => srv.stop());
    const { socket, api } = await connect(srv);
    await expect(api.request('time', { zone: 'UTC' })).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await until(() => socket.readyState === 1, 5000, 'reconnect');
    expect(srv.received.filter((m) => String(m).includes('"time"'))).toHaveLength(1);
  });

  it('hostile messages from a real server: no throw, each reported once, prototypes untouched', async () => {
    const hostile = [
      '{"channel":"__proto__","data":{"polluted":true}}',
      '{"channel":"constructor","data":{}}',
      '{"channel":"toString","data":{}}',
      'not json at all',
      '{"channel":"chat","data":',
      '[{"channel":"chat"}]',
      'x'.repeat(1_500_000),
      '{"id":123456,"data":"reply to nothing"}',
      '{"channel":"chat","data":{"from":"x","text":"the last one is fine"}}',
    ];
    const srv = await new TestServer((ws) => hostile.forEach((m) => ws.send(m))).start();
    cleanup.push(() => srv.stop());
    const socket = new SteadySocket(srv.url, { WebSocket });
    cleanup.push(() => socket.close());
    const api = channels<Api>(socket);
    const reasons: string[] = [];
    const delivered: string[] = [];
    let raw = 0;
    api.on('invalid', (e) => reasons.push(e.reason));
    api.channel('chat').on('message', (m) => delivered.push(m.text));
    socket.addEventListener('message', () => raw++);
    await until(() => delivered.length === 1, 5000, 'the good message');
    expect(reasons).toEqual(['unknown-channel', 'unknown-channel', 'unknown-channel', 'undecodable', 'undecodable', 'undecodable', 'too-large', 'unknown-reply']);
    expect(raw).toBe(hostile.length);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(socket.readyState).toBe(1);
  });
});
