/**
 * Defects found by reviewing channels, requests and event delivery; each case failed
 * before its fix and is kept as a regression test.
 */
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { channels, type ChannelsOptions, type Codec } from '../../src/channels/index';
import type { SteadySocketOptions } from '../../src/socket/index';
import { FakeSocket } from '../helpers/fake-socket';
import { fakeSocket, settle } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

type Api = {
  chat: { receive: { text: string }; send: { text: string } };
  echo: { request: string; reply: string };
};

function make(options: ChannelsOptions = {}, socketOptions: SteadySocketOptions = {}) {
  const { socket, clock, native } = fakeSocket(socketOptions, 'ws://test.invalid/');
  const api = channels<Api>(socket, { clock, ...options });
  return { socket, api, clock, native };
}
const state = <T,>(p: Promise<T>) => Promise.race([p.then(() => 'settled', () => 'settled'), settle().then(() => 'pending')]);

describe('channels, requests and events under review', () => {
  it('concurrent next() calls are all answered', async () => {
    const { socket, api, native } = make();
    native().serverOpen();
    const it = api.channel('chat')[Symbol.asyncIterator]();
    const a = it.next();
    const b = it.next();
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: '1' } }));
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: '2' } }));
    socket.close();
    native().serverClose(1000);
    expect(await state(b)).toBe('settled');
    expect(await state(a)).toBe('settled');
  });

  it('a custom codec returning null is reported, not thrown', () => {
    const codec: Codec = { encode: (m) => JSON.stringify(m), decode: () => null as never };
    const { api, native } = make({ codec });
    api.channel('chat');
    native().serverOpen();
    expect(() => native().serverMessage('{}')).not.toThrow();
  });

  it('a custom codec whose envelope getter throws is reported, not thrown', () => {
    const codec: Codec = {
      encode: (m) => JSON.stringify(m),
      decode: () => ({ get channel(): unknown { throw new Error('boom'); } }),
    };
    const { api, native } = make({ codec });
    api.channel('chat');
    native().serverOpen();
    expect(() => native().serverMessage('{}')).not.toThrow();
  });

  it('aborting an old signal does not remove a listener re-added without it', () => {
    const { socket, native } = make();
    const seen: string[] = [];
    const listener = () => seen.push('open');
    const old = new AbortController();
    socket.addEventListener('open', listener, { signal: old.signal });
    socket.removeEventListener('open', listener);
    socket.addEventListener('open', listener); // no signal this time
    old.abort();
    native().serverOpen();
    expect(seen).toEqual(['open']);
  });

  it('a message listener that calls close(): later listeners and the iterator still get the message first', async () => {
    const { socket, api, native } = make();
    native().serverOpen();
    const order: string[] = [];
    socket.addEventListener('message', () => socket.close());
    socket.addEventListener('message', () => order.push('message'));
    socket.addEventListener('close', () => order.push('close'));
    const got: unknown[] = [];
    const consume = (async () => { for await (const m of api.channel('chat')) got.push(m); })();
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: 'before close' } }));
    native().serverClose(1000);
    await consume;
    expect(order).toEqual(['message', 'close']);
    expect(got).toEqual([{ text: 'before close' }]);
  });

  it('a channel listener that throws does not starve the iterator', async () => {
    const { api, native } = make();
    native().serverOpen();
    const chat = api.channel('chat');
    const g = globalThis as { reportError?: unknown };
    const saved = g.reportError;
    g.reportError = () => {};
    chat.on('message', () => { throw new Error('user bug'); });
    const it = chat.iterate();
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: 'x' } }));
    g.reportError = saved;
    expect(await state(it.next())).toBe('settled');
  });

  it('an aborted request still queued is never written', async () => {
    const { api, native } = make();
    const controller = new AbortController();
    const result = api.request('echo', 'charge card', { signal: controller.signal }).catch((e) => e.code);
    controller.abort();
    expect(await result).toBe('REQUEST_ABORTED');
    native().serverOpen();
    expect(native().sent).toEqual([]);
  });

  it('an idempotent resend keeps its place ahead of later messages', () => {
    const { api, socket, native, clock } = make({}, { queue: { highWaterMark: 0 } });
    native().serverOpen();
    void api.request('echo', 'first', { idempotent: true }).catch(() => {});
    native().bufferedAmount = 10; // link slow: the next send waits
    socket.send('second');
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    expect(native().sent.map((s) => String(s).includes('first') ? 'first' : s)).toEqual(['first', 'second']);
  });

  it('an async reply validation finishing after a timeout reports nothing', async () => {
    const { api, native, clock } = make();
    const invalid: string[] = [];
    api.on('invalid', (e) => invalid.push(e.reason));
    native().serverOpen();
    let finish!: (r: { issues: { message: string }[] }) => void;
    const schema = { '~standard': { version: 1 as const, vendor: 'x', validate: () => new Promise<{ issues: { message: string }[] }>((r) => (finish = r)) } };
    const result = api.request('echo', 'x', { timeout: 100, validate: schema as never }).catch((e) => e.code);
    native().serverMessage(JSON.stringify({ id: 1, data: 'X' }));
    clock.advance(100);
    expect(await result).toBe('REQUEST_TIMEOUT');
    finish({ issues: [{ message: 'no' }] });
    await settle();
    expect(invalid).toEqual([]);
  });

  it('a message listener calling reconnect(): every listener and the channel see the message before the close', () => {
    const { socket, clock, native } = fakeSocket({}, 'ws://test.invalid/');
    native().serverOpen();
    const order: string[] = [];
    let first = true;
    socket.addEventListener('message', () => { if (first) { first = false; socket.reconnect(); } });
    socket.addEventListener('message', () => order.push('message'));
    socket.addEventListener('close', () => order.push('close'));
    // The client routes from a socket `message` listener, in the order it was added: after these.
    channels<Api>(socket, { clock }).channel('chat').on('message', () => order.push('chat'));
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: 'x' } }));
    expect(order).toEqual(['message', 'chat', 'close']);
  });

  it('a Standard Schema answering with another realm\'s Promise is still awaited', async () => {
    const { api, native } = make();
    const schema = { '~standard': { version: 1 as const, vendor: 'x', validate: () => runInNewContext('Promise.resolve({ issues: [{ message: "no" }] })') } };
    const got: unknown[] = [];
    api.channel('chat', { validate: schema as never }).on('message', (m) => got.push(m));
    native().serverOpen();
    native().serverMessage(JSON.stringify({ channel: 'chat', data: { text: 'x' } }));
    await settle();
    expect(got).toEqual([]);
  });

  it('a timeout above 2^31-1 ms does not fire at once (the default, real clock)', async () => {
    const { socket, api, native } = make({ clock: undefined });
    native().serverOpen();
    const r = api.request('echo', 'x', { timeout: 2 ** 31 }).then(() => 'ok', (e) => e.code);
    const early = await Promise.race([r, new Promise((res) => setTimeout(() => res('pending'), 30))]);
    socket.close(); native().serverClose(1000);
    await r;
    expect(early).toBe('pending');
  });
});
