import { afterEach, describe, expect, it, vi } from 'vitest';
import { channels, type InvalidEvent } from '../../src/channels/index';
import type { SteadySocketOptions } from '../../src/socket/index';
import { FakeSocket } from '../helpers/fake-socket';
import { onTestServer } from '../helpers/kit';
import { fakeSocket, settle } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

type Api = {
  chat: { receive: { text: string }; send: { text: string } };
  news: { receive: { headline: string } };
  echo: { request: string; reply: string };
};

/** A channel client on a socket of the test kit; `open()` makes the first connection. */
function make(socketOptions: SteadySocketOptions = {}) {
  const { socket, clock, server, start, received } = onTestServer(socketOptions, 'ws://test.invalid/', false);
  const api = channels<Api>(socket, { clock });
  const invalid: InvalidEvent[] = [];
  api.on('invalid', (e) => invalid.push(e));
  return { socket, api, clock, server, open: start, received, invalid };
}

const chat = (text: string) => JSON.stringify({ channel: 'chat', data: { text } });
const SOCKET_EVENTS = ['message', 'close', 'state'] as const;
const listeners = (socket: { listenerCount(event: (typeof SOCKET_EVENTS)[number]): number }) => SOCKET_EVENTS.map((e) => socket.listenerCount(e));

/** The outcome of a promise once it has settled. */
async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; code?: string; message?: string }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
}

describe('channels()', () => {
  it('exposes its socket, and reports invalid messages with itself as the target and an INVALID_MESSAGE error', () => {
    const { socket, api, invalid, open, server } = make();
    expect(api.socket).toBe(socket);
    api.channel('chat');
    open();
    server.send('not json');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ type: 'invalid', target: api, reason: 'undecodable', channel: undefined, data: 'not json' });
    expect(invalid[0]!.error).toMatchObject({ name: 'SteadySocketError', code: 'INVALID_MESSAGE' });
    expect(invalid[0]!.error.message).toContain('undecodable');
  });

  it('an invalid listener that throws is reported; routing goes on', () => {
    const { api, open, server } = make();
    const g = globalThis as { reportError?: (error: unknown) => void };
    const saved = g.reportError;
    const reported: unknown[] = [];
    g.reportError = (error) => reported.push(error);
    try {
      api.on('invalid', () => {
        throw new Error('listener bug');
      });
      const seen: string[] = [];
      api.channel('chat').on('message', (m) => seen.push(m.text));
      open();
      expect(() => server.send('junk')).not.toThrow();
      server.send(chat('after'));
      expect(seen).toEqual(['after']);
      expect(reported).toHaveLength(1);
    } finally {
      g.reportError = saved;
    }
  });

  it('on a socket already closed for good: channels start ended, requests reject with CONNECTION_LOST', async () => {
    const { socket, clock } = fakeSocket({}, 'ws://test.invalid/');
    socket.close();
    const api = channels<Api>(socket, { clock });
    expect((await api.channel('chat').iterate().next()).done).toBe(true);
    expect((await outcome(api.request('echo', 'x'))).code).toBe('CONNECTION_LOST');
  });

  it('a socket revived by reconnect() after giving up: iteration works again', async () => {
    const { socket, api, clock, server, open } = make({ maxRetries: 0 });
    const room = api.channel('chat');
    server.refuse(true);
    open(); // refused, and no retries: the socket gives up
    expect(socket.readyState).toBe(3);
    expect((await room.iterate().next()).done).toBe(true);
    server.refuse(false);
    socket.reconnect();
    clock.advance(0); // the attempt, which opens
    const next = room.iterate().next();
    server.send(chat('back'));
    expect(await next).toEqual({ value: { text: 'back' }, done: false });
  });
});

describe('#dispose', () => {
  it('removes its socket listeners; the socket goes on as a plain WebSocket', () => {
    const { socket, clock, start: open, received } = onTestServer({}, 'ws://test.invalid/', false);
    const before = listeners(socket);
    const api = channels<Api>(socket, { clock });
    expect(listeners(socket)).toEqual(before.map((n) => n + 1));
    api.dispose();
    expect(listeners(socket)).toEqual(before);
    open();
    expect(socket.send('raw')).toBe(true);
    expect(received()).toEqual(['raw']);
  });

  it('pending requests reject with CONNECTION_LOST, queued ones are never written, and no timer is left', async () => {
    const { api, clock, open, received } = make();
    const queued = outcome(api.request('echo', 'queued'));
    open();
    const written = outcome(api.request('echo', 'written'));
    const waiting = outcome(api.request('echo', 'waiting'));
    api.dispose();
    for (const result of await Promise.all([queued, written, waiting])) {
      expect(result).toEqual({ code: 'CONNECTION_LOST', message: 'The channel client was disposed' });
    }
    expect(clock.pending).toBe(0);
    // `queued` went out on the open, the others at once: nothing more after the disposal.
    expect(received()).toHaveLength(3);
  });

  it('a request still waiting in the queue when the client is disposed is dropped as cancelled', () => {
    // FakeSocket: the native bufferedAmount is set by hand.
    const { socket, clock, native } = fakeSocket({ queue: { highWaterMark: 0 } }, 'ws://test.invalid/');
    const api = channels<Api>(socket, { clock });
    const drops: string[] = [];
    socket.on('drop', (e) => drops.push(e.reason));
    native().serverOpen();
    native().bufferedAmount = 10; // the link is slow: the request waits
    void api.request('echo', 'x').catch(() => {});
    api.dispose();
    native().bufferedAmount = 0;
    socket.send('after');
    expect(native().sent).toEqual(['after']);
    expect(drops).toEqual(['cancelled']);
  });

  it('iterations end; sends return false and send nothing; later messages reach no one and are not reported', async () => {
    const { api, invalid, open, server, received } = make();
    const room = api.channel('chat');
    const seen: string[] = [];
    room.on('message', (m) => seen.push(m.text));
    open();
    const next = room.iterate().next();
    api.dispose();
    expect(await next).toEqual({ value: undefined, done: true });
    expect(room.send({ text: 'after' })).toBe(false);
    expect(received()).toEqual([]);
    server.send(chat('late'));
    server.send('junk');
    expect(seen).toEqual([]);
    expect(invalid).toEqual([]);
  });

  it('after it, channel() gives ended channels and request() rejects at once; a second dispose() does nothing', async () => {
    const { api } = make();
    api.dispose();
    api.dispose();
    expect((await api.channel('news').iterate().next()).done).toBe(true);
    expect(api.channel('news').send(undefined as never)).toBe(false);
    expect(await outcome(api.request('echo', 'x'))).toEqual({ code: 'CONNECTION_LOST', message: 'The channel client was disposed' });
  });

  it('an async validation under way when the client is disposed delivers nothing', async () => {
    const { api, invalid, open, server } = make();
    const seen: unknown[] = [];
    const schema = { '~standard': { version: 1 as const, vendor: 'test', validate: (value: unknown) => Promise.resolve({ value: value as { text: string } }) } };
    api.channel('chat', { validate: schema }).on('message', (m) => seen.push(m));
    open();
    server.send(chat('in flight'));
    api.dispose();
    await settle();
    expect(seen).toEqual([]);
    expect(invalid).toEqual([]);
  });

  it('from a socket message listener that runs first: that very message is not routed', () => {
    const { socket, clock, server, start: open } = onTestServer({}, 'ws://test.invalid/', false);
    let api: ReturnType<typeof channels<Api>> | undefined;
    socket.on('message', () => api?.dispose());
    api = channels<Api>(socket, { clock });
    const seen: string[] = [];
    api.channel('chat').on('message', (m) => seen.push(m.text));
    open();
    server.send(chat('x'));
    expect(seen).toEqual([]);
  });
});

describe('several clients on one socket', () => {
  function two() {
    const { socket, clock, server, start: open, received } = onTestServer({}, 'ws://test.invalid/', false);
    const a = channels<Api>(socket, { clock });
    const b = channels<Api>(socket, { clock });
    const invalid = { a: [] as string[], b: [] as string[] };
    a.on('invalid', (e) => invalid.a.push(`${e.reason}:${e.channel ?? ''}`));
    b.on('invalid', (e) => invalid.b.push(`${e.reason}:${e.channel ?? ''}`));
    return { socket, clock, server, open, received, a, b, invalid };
  }

  it('each decodes for itself; a channel only one of them knows is unknown to the other alone', () => {
    const { a, b, invalid, open, server } = two();
    const seen: string[] = [];
    a.channel('chat').on('message', (m) => seen.push(`a:${m.text}`));
    b.channel('chat').on('message', (m) => seen.push(`b:${m.text}`));
    b.channel('news').on('message', (m) => seen.push(`b:${m.headline}`));
    expect(a.channel('chat')).not.toBe(b.channel('chat'));
    open();
    server.send(chat('hi'));
    server.send(JSON.stringify({ channel: 'news', data: { headline: 'extra' } }));
    expect(seen).toEqual(['a:hi', 'b:hi', 'b:extra']);
    expect(invalid).toEqual({ a: ['unknown-channel:news'], b: [] });
  });

  it('request ids never collide; each settles with its own reply, and neither reports the other’s', async () => {
    const { a, b, invalid, open, server, received } = two();
    for (const client of [a, b]) client.channel('chat'); // in use after the replies: they still parse
    open();
    const fromA = a.request('echo', 'a');
    const fromB = b.request('echo', 'b');
    expect(received().map((m) => (JSON.parse(String(m)) as { id: number }).id)).toEqual([1, 2]);
    server.send(JSON.stringify({ id: 2, data: 'B' }));
    server.send(JSON.stringify({ id: 1, data: 'A' }));
    await expect(Promise.all([fromA, fromB])).resolves.toEqual(['A', 'B']);
    server.send(JSON.stringify({ id: 3, data: 'nobody asked' }));
    expect(invalid).toEqual({ a: ['unknown-reply:'], b: ['unknown-reply:'] });
  });

  it('disposing one leaves the other working', async () => {
    const { a, b, open, server } = two();
    const pendingA = outcome(a.request('echo', 'a'));
    const seen: string[] = [];
    b.channel('chat').on('message', (m) => seen.push(m.text));
    a.dispose();
    expect((await pendingA).code).toBe('CONNECTION_LOST');
    open();
    const fromB = b.request('echo', 'b');
    server.send(JSON.stringify({ id: 2, data: 'B' }));
    server.send(chat('still here'));
    expect(await fromB).toBe('B');
    expect(seen).toEqual(['still here']);
  });
});

describe('logging invalid messages (API.md §11)', () => {
  it('tells the logger of every invalid message, naming the reason and the channel', () => {
    const { socket, clock, server, start: open } = onTestServer({}, 'ws://test.invalid/', false);
    const lines: string[] = [];
    channels(socket, { clock, logger: { warn: (m) => lines.push(m) } }).channel('chat');
    open();
    server.send('not json');
    server.send('{"channel":"nope","data":1}');
    expect(lines).toEqual([
      expect.stringMatching(/^steadysocket\/channels: Invalid message \(undecodable\)/),
      'steadysocket/channels: Invalid message (unknown-channel on "nope"): no channel "nope"',
    ]);
    socket.close();
  });

  it('without a logger or an invalid listener, warns once per client on the console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { socket, clock, server, start: open } = onTestServer({}, 'ws://test.invalid/', false);
      const api = channels(socket, { clock });
      api.channel('chat');
      open();
      server.send('not json');
      server.send('still not json');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("Nothing listens to 'invalid' events");
      socket.close();
    } finally {
      warn.mockRestore();
    }
  });
});
