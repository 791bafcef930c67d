import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../helpers/fake-socket';
import { fakeSocket, settle } from '../helpers/setup';
import type { SteadySocketOptions } from '../../src/socket/options';

afterEach(() => FakeSocket.reset());

type Api = {
  time: { request: { zone: string }; reply: { now: number } };
  echo: { request: string; reply: string };
};

function make(options: SteadySocketOptions = {}) {
  const { socket, clock } = fakeSocket<Api>(options, 'ws://test.invalid/');
  const invalid: string[] = [];
  socket.on('invalid', (e) => invalid.push(e.reason));
  const native = () => FakeSocket.last;
  /** The last request written to the current native socket. */
  const lastRequest = () => JSON.parse(String(native().sent.at(-1))) as { channel: string; id: number; data: unknown };
  const reply = (body: object) => native().serverMessage(JSON.stringify(body));
  return { socket, clock, native, invalid, lastRequest, reply };
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
    const { socket, native, lastRequest, reply } = make();
    native().serverOpen();
    const now = socket.request('time', { zone: 'UTC' });
    expect(lastRequest()).toEqual({ channel: 'time', id: 1, data: { zone: 'UTC' } });
    reply({ id: 1, data: { now: 42 } });
    await expect(now).resolves.toEqual({ now: 42 });
  });

  it('ids are distinct; replies can come in any order', async () => {
    const { socket, native, reply } = make();
    native().serverOpen();
    const a = socket.request('echo', 'a');
    const b = socket.request('echo', 'b');
    reply({ id: 2, data: 'B' });
    reply({ id: 1, data: 'A' });
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
  });

  it('an error reply rejects with REQUEST_FAILED, the payload as cause', async () => {
    const { socket, native, reply } = make();
    native().serverOpen();
    const result = outcome(socket.request('echo', 'x'));
    reply({ id: 1, error: { message: 'no such zone', code: 404 } });
    const { code, error } = await result;
    expect(code).toBe('REQUEST_FAILED');
    expect((error as Error).message).toBe('no such zone');
    expect((error as Error).cause).toEqual({ message: 'no such zone', code: 404 });
  });

  it('times out with REQUEST_TIMEOUT; a late reply is ignored quietly', async () => {
    const { socket, native, clock, reply, invalid } = make();
    native().serverOpen();
    const result = outcome(socket.request('echo', 'x', { timeout: 500 }));
    clock.advance(500);
    expect((await result).code).toBe('REQUEST_TIMEOUT');
    reply({ id: 1, data: 'late' });
    expect(invalid).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('uses requestTimeout by default', async () => {
    const { socket, native, clock } = make({ requestTimeout: 2000 });
    native().serverOpen();
    const result = outcome(socket.request('echo', 'x'));
    clock.advance(1999);
    await settle();
    clock.advance(1);
    expect((await result).code).toBe('REQUEST_TIMEOUT');
  });

  it('aborts with REQUEST_ABORTED, before or after sending', async () => {
    const { socket, native, clock } = make();
    native().serverOpen();
    const before = outcome(socket.request('echo', 'x', { signal: AbortSignal.abort('no') }));
    expect((await before).code).toBe('REQUEST_ABORTED');
    expect(native().sent).toEqual([]);
    const controller = new AbortController();
    const after = outcome(socket.request('echo', 'y', { signal: controller.signal }));
    controller.abort(new Error('user left'));
    const settled = await after;
    expect(settled.code).toBe('REQUEST_ABORTED');
    expect(((settled.error as Error).cause as Error).message).toBe('user left');
    expect(clock.pending).toBe(0);
  });

  it('CONNECTION_LOST when the connection dies after the request was written', async () => {
    const { socket, native } = make();
    native().serverOpen();
    const result = outcome(socket.request('echo', 'x'));
    native().serverClose(1006);
    expect((await result).code).toBe('CONNECTION_LOST');
  });

  it('idempotent: sent again after the reconnect, and resolves', async () => {
    const { socket, native, clock, reply, lastRequest } = make();
    native().serverOpen();
    const result = socket.request('time', { zone: 'UTC' }, { idempotent: true });
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    expect(lastRequest()).toEqual({ channel: 'time', id: 1, data: { zone: 'UTC' } });
    reply({ id: 1, data: { now: 7 } });
    await expect(result).resolves.toEqual({ now: 7 });
  });

  it('a request still queued when the connection dies goes out on the next one', async () => {
    const { socket, native, clock, reply } = make({ queue: { highWaterMark: 0 } });
    native().serverOpen();
    native().bufferedAmount = 1;
    const result = socket.request('echo', 'x');
    expect(native().sent).toEqual([]);
    native().serverClose(1006);
    clock.runNext();
    native().serverOpen();
    expect(native().sent).toHaveLength(1);
    reply({ id: 1, data: 'X' });
    await expect(result).resolves.toBe('X');
  });

  it('the final close settles every pending request', async () => {
    const { socket, native } = make();
    const queued = outcome(socket.request('echo', 'queued'));
    native().serverOpen();
    const written = outcome(socket.request('echo', 'written'));
    socket.close();
    native().serverClose(1000);
    expect((await queued).code).toBe('CONNECTION_LOST');
    expect((await written).code).toBe('CONNECTION_LOST');
  });

  it('after close() a request rejects at once', async () => {
    const { socket } = make();
    socket.close();
    expect((await outcome(socket.request('echo', 'x'))).code).toBe('CONNECTION_LOST');
  });

  it('a full queue rejects with QUEUE_OVERFLOW', async () => {
    const { socket } = make({ queue: { maxMessages: 1 } });
    socket.send('fills the queue');
    expect((await outcome(socket.request('echo', 'x'))).code).toBe('QUEUE_OVERFLOW');
  });

  it('validates the reply', async () => {
    const { socket, native, reply, invalid } = make();
    native().serverOpen();
    const isNow = (v: unknown): v is { now: number } => typeof (v as { now?: unknown })?.now === 'number';
    const result = outcome(socket.request('time', { zone: 'UTC' }, { validate: isNow }));
    reply({ id: 1, data: { now: 'soon' } });
    expect((await result).code).toBe('INVALID_MESSAGE');
    expect(invalid).toEqual(['validation']);
  });

  it('an unencodable payload rejects, nothing is sent', async () => {
    const { socket, native } = make();
    native().serverOpen();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(socket.request('echo', cyclic as never)).rejects.toThrow(TypeError);
    expect(native().sent).toEqual([]);
  });
});
