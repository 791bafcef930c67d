/**
 * Defects a read-only review of issues 13, 14 and 18 reproduced; each test failed before
 * its fix.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { channels, type StandardSchemaV1 } from '../../src/channels/index';
import { SteadyEventObject, SteadySocket } from '../../src/socket/index';
import { FakeSocket } from '../helpers/fake-socket';
import { fakeSocket, settle, setup } from '../helpers/setup';

afterEach(() => vi.restoreAllMocks());

describe('stopImmediatePropagation()', () => {
  it("stops DOM-style listeners and on* handlers only: on() listeners (the channels layer's too) still run", () => {
    const { socket, native, clock } = fakeSocket();
    const got: unknown[] = [];
    socket.onmessage = (e) => e.stopImmediatePropagation();
    socket.addEventListener('message', () => got.push('dom, stopped'));
    socket.on('message', () => got.push('on'));
    channels(socket, { clock }).channel('chat').on('message', (m) => got.push(m));
    native().serverOpen();
    native().serverMessage('{"channel":"chat","data":"hi"}');
    expect(got).toEqual(['on', 'hi']);
  });

  it('holds for one dispatch: an event dispatched again reaches its listeners', () => {
    const { socket } = setup();
    const seen: string[] = [];
    socket.addEventListener('custom', (e: { stopImmediatePropagation(): void }) => {
      seen.push('a');
      e.stopImmediatePropagation();
    });
    const event = new SteadyEventObject('custom', socket, 0);
    socket.dispatchEvent(event);
    socket.dispatchEvent(event);
    expect(seen).toEqual(['a', 'a']);
  });
});

describe('retryCount', () => {
  it('starts again at 0 after reconnect(), as its reconnecting event does', () => {
    const { socket, native, clock } = setup();
    native().fail();
    clock.advance(1000);
    native().fail();
    expect(socket.retryCount).toBe(2);
    socket.reconnect();
    expect(socket.retryCount).toBe(0);
  });
});

describe('startClosed and channels', () => {
  it('an iterator made before the first reconnect() gets the messages after it', async () => {
    const { socket, native, clock } = fakeSocket({ startClosed: true });
    expect(socket.readyState).toBe(3);
    expect(socket.ended).toBe(false);
    const iterator = channels(socket, { clock }).channel('chat')[Symbol.asyncIterator]();
    const next = iterator.next();
    socket.reconnect();
    native().serverOpen();
    native().serverMessage('{"channel":"chat","data":"hi"}');
    expect(await next).toEqual({ value: 'hi', done: false });
    socket.close();
    native().serverClose(1000);
    expect(socket.ended).toBe(true);
  });
});

describe('secrets', () => {
  it.each([
    ['a relative URL', '/feed?token=SECRET'],
    ['a URL with no scheme', 'localhost:8080/feed?token=SECRET'],
  ])('%s the constructor rejects leaks no query, thrown or through a provider', (_what, url) => {
    FakeSocket.reset();
    let thrown = '';
    try {
      new SteadySocket(url, { WebSocket: FakeSocket, lifecycleEvents: null });
    } catch (error) {
      thrown = String(error);
    }
    expect(thrown).toMatch(/SyntaxError/);
    expect(thrown).not.toContain('SECRET');
    const { log, events } = setup({ maxRetries: 0 }, () => url);
    return settle().then(() => {
      expect(log()).toContain('error:CONNECT_FAILED');
      expect(JSON.stringify(events.map((e) => ({ ...e.event, target: undefined }))) + events.map((e) => String((e.event as { error?: { cause?: unknown } }).error?.cause)).join()).not.toContain('SECRET');
    });
  });

  it('a throwing shouldReconnect is redacted too', () => {
    const { native, events } = setup({
      shouldReconnect: () => {
        throw new Error('cannot reach wss://u:pw@h/feed?token=SECRET');
      },
    });
    native().fail();
    const error = events.find((e) => e.type === 'error' && e.event.error.code === 'RECONNECT_POLICY_FAILED')!.event as { error: Error & { cause?: Error } };
    expect(error.error.message).toBe('cannot reach wss://***@h/feed?***');
    expect(String(error.error.cause)).not.toContain('SECRET');
  });
});

describe('default options shared by sockets', () => {
  it('the page lifecycle target and Math.random are looked up for each socket, not captured by the first', () => {
    const globals = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    FakeSocket.reset();
    const first = new SteadySocket('ws://h/', { WebSocket: FakeSocket });
    const heard: string[] = [];
    globals.addEventListener = (type: string) => heard.push(type);
    globals.removeEventListener = () => {};
    try {
      const second = new SteadySocket('ws://h/', { WebSocket: FakeSocket });
      expect(heard).toContain('online');
      const random = vi.spyOn(Math, 'random').mockReturnValue(0);
      second.close();
      first.close();
      expect(random).not.toHaveBeenCalled(); // nothing retried; the spy only proves the lookup is live
    } finally {
      delete globals.addEventListener;
      delete globals.removeEventListener;
    }
  });
});

describe('off() with the emitter as context', () => {
  it('removes a listener added without a context, as eventemitter3 does', () => {
    const { socket } = setup();
    const fn = () => {};
    const base = socket.listenerCount('open');
    socket.on('open', fn);
    socket.off('open', fn, socket);
    expect(socket.listenerCount('open')).toBe(base);
  });
});

describe('a second reply while the first is still validated', () => {
  it('is reported as unknown-reply', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: StandardSchemaV1<unknown, string> = {
      '~standard': { version: 1, vendor: 'test', validate: async (value) => (await gate, { value: value as string }) },
    };
    const { socket, native, clock } = fakeSocket();
    const api = channels<{ echo: { request: string; reply: string } }>(socket, { clock });
    const invalid: string[] = [];
    api.on('invalid', (e) => invalid.push(e.issues[0]!.message));
    native().serverOpen();
    const result = api.request('echo', 'x', { validate: slow });
    native().serverMessage('{"id":1,"data":"first"}');
    native().serverMessage('{"id":1,"data":"second"}');
    release();
    expect(await result).toBe('first');
    expect(invalid).toEqual(['request 1 was answered already']);
  });
});

// Found by a review of the size rewrite (one shared native handler had told the four events
// apart by `event.type`, and the URL was checked before the protocols provider was called).
describe('a hand-made WebSocket (a test fake, an adapter)', () => {
  /** Calls its handlers as minimal code does: no `type` on any event, `onopen()` with nothing. */
  class Untyped {
    static last: Untyped;
    readyState = 0;
    bufferedAmount = 0;
    sent: unknown[] = [];
    onopen: ((event?: unknown) => void) | null = null;
    onmessage: ((event: unknown) => void) | null = null;
    onerror: ((event?: unknown) => void) | null = null;
    onclose: ((event: unknown) => void) | null = null;
    constructor(readonly url: string) {
      Untyped.last = this;
    }
    send(data: unknown): void {
      this.sent.push(data);
    }
    close(): void {
      this.readyState = 3;
    }
  }

  it('is told apart by the handler called, not by a `type` its events may lack', () => {
    const { socket, clock } = fakeSocket({ WebSocket: Untyped as never });
    const seen: string[] = [];
    socket.onopen = () => seen.push('open');
    socket.onmessage = (e) => seen.push(`message ${String(e.data)}`);
    socket.onerror = (e) => seen.push(`error ${e.error.code}`);
    socket.onclose = (e) => seen.push(`close ${e.code} ${e.willReconnect}`);
    const native = Untyped.last;
    native.readyState = 1;
    native.onopen!();
    native.onmessage!({ data: 'hi' });
    native.onerror!({ message: 'boom' });
    socket.send('out');
    native.onclose!({ code: 1001, reason: 'bye' });
    clock.advance(0);
    expect(seen).toEqual(['open', 'message hi', 'error CONNECTION_ERROR', 'close 1001 true']);
    expect(native.sent).toEqual(['out']);
    socket.close();
  });
});

describe('URL and protocols providers', () => {
  it('are both called before the URL is judged: a bad URL still fails the attempt, after the protocols provider ran', async () => {
    const calls: string[] = [];
    const { socket, clock } = fakeSocket({ protocols: () => (calls.push('protocols'), 'chat') }, (() => (calls.push('url'), 42)) as never);
    const errors: string[] = [];
    socket.onerror = (e) => errors.push(e.error.code);
    await vi.waitFor(() => expect(errors).toEqual(['URL_PROVIDER_FAILED']));
    expect(calls).toEqual(['url', 'protocols']);
    socket.close();
    clock.advance(0);
  });
});
