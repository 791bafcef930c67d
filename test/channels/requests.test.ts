import { afterEach, describe, expect, it } from 'vitest';
import { channels, type ChannelsOptions } from '../../src/channels/index';
import type { SteadySocketOptions } from '../../src/socket/index';
import { FakeSocket } from '../helpers/fake-socket';
import { onTestServer } from '../helpers/kit';
import { fakeSocket, settle } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

type Api = {
  time: { request: { zone: string }; reply: { now: number } };
  echo: { request: string; reply: string };
};

/** Channels on a socket of the test kit; `open()` makes the first connection. */
function make(options: ChannelsOptions = {}, socketOptions: SteadySocketOptions = {}) {
  const { socket, clock, server, start, received } = onTestServer(socketOptions, 'ws://test.invalid/', false);
  const api = channels<Api>(socket, { clock, ...options });
  const invalid: string[] = [];
  api.on('invalid', (e) => invalid.push(e.reason));
  /** The last request the server received. */
  const lastRequest = () => JSON.parse(String(received().at(-1))) as { channel: string; id: number; data: unknown };
  const reply = (body: object) => server.send(JSON.stringify(body));
  return { socket, api, clock, server, open: start, received, invalid, lastRequest, reply };
}

/** The same on a FakeSocket, for the tests that set the native `bufferedAmount` by hand. */
function makeOnFake(socketOptions: SteadySocketOptions) {
  const { socket, clock } = fakeSocket(socketOptions, 'ws://test.invalid/');
  const api = channels<Api>(socket, { clock });
  const native = () => FakeSocket.last;
  const reply = (body: object) => native().serverMessage(JSON.stringify(body));
  return { socket, api, clock, native, reply };
}

/** The outcome of a promise once it has settled, without awaiting forever. */
async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; code?: string; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { code: (error as { code?: string }).code, error };
  }
}

describe('#request', () => {
  it('writes {channel, id, data} and resolves with the reply', async () => {
    const { api, open, lastRequest, reply } = make();
    open();
    const now = api.request('time', { zone: 'UTC' });
    expect(lastRequest()).toEqual({ channel: 'time', id: 1, data: { zone: 'UTC' } });
    reply({ id: 1, data: { now: 42 } });
    await expect(now).resolves.toEqual({ now: 42 });
  });

  it('ids are distinct; replies can come in any order', async () => {
    const { api, reply, open } = make();
    open();
    const a = api.request('echo', 'a');
    const b = api.request('echo', 'b');
    reply({ id: 2, data: 'B' });
    reply({ id: 1, data: 'A' });
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
  });

  it('an error reply rejects with REQUEST_FAILED, the payload as cause', async () => {
    const { api, reply, open } = make();
    open();
    const result = outcome(api.request('echo', 'x'));
    reply({ id: 1, error: { message: 'no such zone', code: 404 } });
    const { code, error } = await result;
    expect(code).toBe('REQUEST_FAILED');
    expect((error as Error).message).toBe('no such zone');
    expect((error as Error).cause).toEqual({ message: 'no such zone', code: 404 });
  });

  it('times out with REQUEST_TIMEOUT; a late reply is ignored quietly', async () => {
    const { api, clock, reply, invalid, open } = make();
    open();
    const result = outcome(api.request('echo', 'x', { timeout: 500 }));
    clock.advance(500);
    expect((await result).code).toBe('REQUEST_TIMEOUT');
    reply({ id: 1, data: 'late' });
    expect(invalid).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('a second and third reply to an answered request are reported as unknown-reply (issue 14)', async () => {
    const { api, reply, invalid, open } = make();
    open();
    const result = api.request('echo', 'x');
    reply({ id: 1, data: 'first' });
    expect(await result).toBe('first');
    reply({ id: 1, data: 'second' });
    reply({ id: 1, error: 'third' });
    expect(invalid).toHaveLength(2);
    expect(JSON.stringify(invalid)).toContain('unknown-reply');
  });

  it('requests awaiting replies are bounded in count and characters: past it QUEUE_OVERFLOW (issue 14)', async () => {
    const { api, reply, open } = make({ limits: { pendingRequests: 2, pendingRequestBytes: 1000 } });
    open();
    const first = api.request('echo', 'a');
    const second = api.request('echo', 'b');
    expect((await outcome(api.request('echo', 'c'))).code).toBe('QUEUE_OVERFLOW');
    reply({ id: 1, data: 'A' });
    expect(await first).toBe('A');
    const big = await outcome(api.request('echo', 'x'.repeat(2000)));
    expect(big.code).toBe('QUEUE_OVERFLOW');
    reply({ id: 2, data: 'B' });
    expect(await second).toBe('B');
  });

  it('uses requestTimeout by default', async () => {
    const { api, clock, open } = make({ requestTimeout: 2000 });
    open();
    const result = outcome(api.request('echo', 'x'));
    clock.advance(1999);
    await settle();
    clock.advance(1);
    expect((await result).code).toBe('REQUEST_TIMEOUT');
  });

  it('aborts with REQUEST_ABORTED, before or after sending', async () => {
    const { api, clock, open, received } = make();
    open();
    const before = outcome(api.request('echo', 'x', { signal: AbortSignal.abort('no') }));
    expect((await before).code).toBe('REQUEST_ABORTED');
    expect(received()).toEqual([]);
    const controller = new AbortController();
    const after = outcome(api.request('echo', 'y', { signal: controller.signal }));
    controller.abort(new Error('user left'));
    const settled = await after;
    expect(settled.code).toBe('REQUEST_ABORTED');
    expect(((settled.error as Error).cause as Error).message).toBe('user left');
    expect(clock.pending).toBe(0);
  });

  it('CONNECTION_LOST when the connection dies after the request was written', async () => {
    const { api, open, server } = make();
    open();
    const result = outcome(api.request('echo', 'x'));
    server.drop();
    expect((await result).code).toBe('CONNECTION_LOST');
  });

  it('idempotent: sent again after the reconnect, and resolves', async () => {
    const { api, clock, reply, lastRequest, open, server } = make();
    open();
    const result = api.request('time', { zone: 'UTC' }, { idempotent: true });
    server.drop();
    clock.next(); // the retry, which opens at once
    expect(lastRequest()).toEqual({ channel: 'time', id: 1, data: { zone: 'UTC' } });
    reply({ id: 1, data: { now: 7 } });
    await expect(result).resolves.toEqual({ now: 7 });
  });

  it('idempotent requests written before the loss go out again first, in their original order', () => {
    const { socket, api, native, clock } = makeOnFake({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    for (const data of ['a', 'b']) void api.request('echo', data, { idempotent: true }).catch(() => {});
    native().bufferedAmount = 10; // the link is slow: what is sent now waits in the queue
    socket.send('later');
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    const texts = native().sent.map((m) => (String(m).startsWith('{') ? (JSON.parse(String(m)) as { data: string }).data : m));
    expect(texts).toEqual(['a', 'b', 'later']);
  });

  it('a request that outlives queue.maxAge in the queue rejects with REQUEST_TIMEOUT', async () => {
    const { api, clock, server } = make({}, { queue: { maxAge: 500 } });
    server.stall(true); // the attempt hangs: the request waits in the queue
    const result = outcome(api.request('echo', 'x', { timeout: Infinity }));
    clock.advance(500);
    expect((await result).code).toBe('REQUEST_TIMEOUT');
  });

  it('a request still queued when the connection dies goes out on the next one', async () => {
    const { api, native, clock, reply } = makeOnFake({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 1;
    const result = api.request('echo', 'x');
    expect(native().sent).toEqual([]);
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    expect(native().sent).toHaveLength(1);
    reply({ id: 1, data: 'X' });
    await expect(result).resolves.toBe('X');
  });

  it('the final close settles every pending request', async () => {
    const { socket, api, open, clock } = make();
    const queued = outcome(api.request('echo', 'queued'));
    open();
    const written = outcome(api.request('echo', 'written'));
    socket.close();
    clock.advance(0); // the closing handshake
    expect((await queued).code).toBe('CONNECTION_LOST');
    expect((await written).code).toBe('CONNECTION_LOST');
  });

  it('after close() a request rejects at once', async () => {
    const { socket, api } = make();
    socket.close();
    expect((await outcome(api.request('echo', 'x'))).code).toBe('CONNECTION_LOST');
  });

  it('a full queue rejects with QUEUE_OVERFLOW', async () => {
    const { socket, api } = make({}, { queue: { maxMessages: 1 } });
    socket.send('fills the queue');
    expect((await outcome(api.request('echo', 'x'))).code).toBe('QUEUE_OVERFLOW');
  });

  it('validates the reply', async () => {
    const { api, reply, invalid, open } = make();
    open();
    const isNow = (v: unknown): v is { now: number } => typeof (v as { now?: unknown })?.now === 'number';
    const result = outcome(api.request('time', { zone: 'UTC' }, { validate: isNow }));
    reply({ id: 1, data: { now: 'soon' } });
    expect((await result).code).toBe('INVALID_MESSAGE');
    expect(invalid).toEqual(['validation']);
  });

  it('an unencodable payload rejects, nothing is sent', async () => {
    const { api, open, received } = make();
    open();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(api.request('echo', cyclic as never)).rejects.toThrow(TypeError);
    expect(received()).toEqual([]);
  });
});
