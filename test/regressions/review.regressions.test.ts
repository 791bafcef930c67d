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
