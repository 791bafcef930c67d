import { afterEach, describe, expect, it, vi } from 'vitest';
import { SteadySocket } from '../../src/socket/steady-socket';
import { SteadySocketError } from '../../src/socket/errors';
import { FakeSocket } from '../helpers/fake-socket';
import { ManualClock } from '../helpers/manual-clock';
import { settle, setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

describe('constructor', () => {
  it.each([
    ['(url)', [], undefined],
    ['(url, string)', ['chat'], 'chat'],
    ['(url, array)', [['a', 'b']], ['a', 'b']],
    ['(url, options.protocols)', [{ protocols: ['x'] }], ['x']],
    ['(url, protocols, options)', ['v1', { minDelay: 5 }], 'v1'],
  ] as const)('%s passes protocols through', (_name, args, protocols) => {
    const clock = new ManualClock();
    const [second, third] = args as [unknown, unknown];
    const withDefaults = (o: unknown) => ({ WebSocket: FakeSocket, clock, lifecycleEvents: null, ...(o as object) });
    const socket =
      second === undefined
        ? new SteadySocket('ws://h/', withDefaults({}))
        : typeof second === 'object' && !Array.isArray(second)
          ? new SteadySocket('ws://h/', withDefaults(second))
          : new SteadySocket('ws://h/', second as string, withDefaults(third));
    clock.advance(0);
    expect(FakeSocket.last.url).toBe('ws://h/');
    expect(FakeSocket.last.protocols).toEqual(protocols);
    expect(socket.readyState).toBe(0);
    socket.close();
  });

  it('connects synchronously, like the native constructor', () => {
    const { socket, native } = setup();
    expect(native().url).toBe('ws://test.invalid/feed');
    expect(socket.url).toBe('ws://test.invalid/feed');
    expect(socket.readyState).toBe(SteadySocket.CONNECTING);
  });

  it('accepts a URL object', () => {
    const { socket } = setup({}, new URL('ws://example.test/a?b=1'));
    expect(socket.url).toBe('ws://example.test/a?b=1');
  });

  it('hands connectOptions to the native constructor as the third argument', () => {
    setup({ connectOptions: { headers: { authorization: 'Bearer t' } } });
    expect(FakeSocket.last.options).toEqual({ headers: { authorization: 'Bearer t' } });
    setup();
    expect(FakeSocket.last.options).toBeUndefined();
  });

  it('gives the ws package a 16 MiB maxPayload: one shared object, or merged into the caller’s options', () => {
    /** The `ws` package is told apart by terminate() on its prototype. */
    class WsLike extends FakeSocket {
      terminate(): void {}
    }
    setup({ WebSocket: WsLike });
    const first = FakeSocket.last.options;
    setup({ WebSocket: WsLike });
    expect(first).toEqual({ maxPayload: 16 << 20 });
    expect(FakeSocket.last.options).toBe(first); // no object per socket
    setup({ WebSocket: WsLike, connectOptions: { headers: { a: 'b' } } });
    expect(FakeSocket.last.options).toEqual({ headers: { a: 'b' }, maxPayload: 16 << 20 });
    setup({ WebSocket: WsLike, connectOptions: { maxPayload: 1 } });
    expect(FakeSocket.last.options).toEqual({ maxPayload: 1 });
    setup({ WebSocket: WsLike, connectOptions: null as never }); // from JavaScript: as none
    expect(FakeSocket.last.options).toBe(first);
  });

  it.each([
    ['nope', 'not a URL'],
    ['ftp://h/', 'another scheme'],
    ['ws://h/#top', 'a fragment'],
    ['/feed', 'relative, with no document to resolve it against'],
  ])('throws a SyntaxError at once for %s (%s), as the native constructor, and starts nothing', (url) => {
    const clock = new ManualClock();
    FakeSocket.reset();
    expect(() => new SteadySocket(url, { WebSocket: FakeSocket, clock, lifecycleEvents: null })).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    expect(clock.pending).toBe(0);
    clock.advance(0);
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it.each([
    ['ws://h', 'ws://h/'],
    ['WSS://Example.COM:443/a?b=1', 'wss://example.com/a?b=1'],
    ['http://h/x', 'ws://h/x'],
    ['https://h/x', 'wss://h/x'],
  ])('url reads %s as the native one would: %s', (given, resolved) => {
    const { socket, native } = setup({}, given);
    expect(socket.url).toBe(resolved);
    expect(native().url).toBe(resolved);
  });

  it('resolves a relative URL against the document base, where there is one', () => {
    const globals = globalThis as { document?: unknown };
    globals.document = { baseURI: 'https://app.example/chat/room' };
    try {
      const { socket, native } = setup({}, '../feed');
      expect(socket.url).toBe('wss://app.example/feed');
      expect(native().url).toBe('wss://app.example/feed');
    } finally {
      delete globals.document;
    }
  });

  it('starts the first attempt after the current task: created and closed in one task, no handshake', () => {
    FakeSocket.reset();
    const clock = new ManualClock();
    const events: string[] = [];
    const socket = new SteadySocket('ws://h/', { WebSocket: FakeSocket, clock, lifecycleEvents: null });
    socket.addEventListener('close', (e) => events.push(`close:${e.code}:${e.wasClean}:${e.willReconnect}`));
    expect(socket.readyState).toBe(0);
    expect(FakeSocket.instances).toHaveLength(0);
    socket.close();
    expect(socket.readyState).toBe(3);
    clock.advance(60_000);
    expect(FakeSocket.instances).toHaveLength(0);
    expect(clock.pending).toBe(0);
    // As the native `new WebSocket(url).close()`: the connection failed, 1006.
    expect(events).toEqual(['close:1006:false:false']);
  });

  it('a failing native constructor (at attempt time) is an error event and a retry, not a throw', () => {
    class Refusing extends FakeSocket {
      constructor(url: string) {
        super(url);
        throw new TypeError('refused');
      }
    }
    const { socket, log, clock } = setup({ WebSocket: Refusing });
    expect(log()).toEqual(['error:CONNECT_FAILED', 'state:reconnecting', 'close:1006:r', 'reconnecting:1:1000']);
    expect(socket.readyState).toBe(0);
    clock.advance(1000);
    expect(log().filter((e) => e === 'error:CONNECT_FAILED')).toHaveLength(2);
    socket.close();
  });

  it('without any WebSocket is a TypeError naming options.WebSocket', () => {
    expect((globalThis as { WebSocket?: unknown }).WebSocket).toBeUndefined(); // Node 20
    expect(() => new SteadySocket('ws://h/')).toThrow(TypeError);
    expect(() => new SteadySocket('ws://h/')).toThrow(/options\.WebSocket/);
  });

  it.each([
    [{ minDelay: -1 }, RangeError],
    [{ minDelay: 'x' }, TypeError],
    [{ maxDelay: 10, minDelay: 20 }, RangeError],
    [{ factor: 0.5 }, RangeError],
    [{ jitter: 'some' }, RangeError],
    [{ maxRetries: 1.5 }, RangeError],
    [{ connectTimeout: 0 }, RangeError],
    [{ queue: { overflow: 'explode' } }, RangeError],
    [{ shouldReconnect: 5 }, TypeError],
  ])('refuses bad options %j', (options, Type) => {
    expect(() => new SteadySocket('ws://h/', { WebSocket: FakeSocket, ...(options as object) })).toThrow(Type);
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it.each([500, 1000, 1200])('takes maxDelay %i below the default minDelay: the first retry is capped by it', (maxDelay) => {
    // Regression: with the default minDelay raised to 1500, { maxDelay: 1000 } threw a
    // RangeError naming minDelay, which the caller never set.
    const { socket, native, clock } = setup({ maxDelay, minDelay: undefined });
    const delays: number[] = [];
    socket.on('reconnecting', (e) => delays.push(e.delay));
    native().fail();
    expect(delays).toEqual([maxDelay]);
    expect(clock.pending).toBeGreaterThan(0);
  });
});

describe('native surface', () => {
  it('has the native constants on the class and the instance', () => {
    const { socket } = setup();
    expect([SteadySocket.CONNECTING, SteadySocket.OPEN, SteadySocket.CLOSING, SteadySocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3]);
  });

  it('opens, calls onopen with this === socket, and delivers messages', () => {
    const { socket, native } = setup();
    const seen: unknown[] = [];
    let self: unknown;
    socket.onopen = function (this: unknown) {
      self = this;
    };
    socket.onmessage = (e) => seen.push(e.data);
    native().serverOpen('chat.v1');
    native().serverMessage('hi');
    native().serverMessage(new ArrayBuffer(3));
    expect(self).toBe(socket);
    expect(socket.readyState).toBe(1);
    expect(socket.protocol).toBe('chat.v1');
    expect(seen).toEqual(['hi', new ArrayBuffer(3)]);
    expect(socket.stats).toMatchObject({ messagesReceived: 2, reconnects: 0 });
  });

  it('keeps binaryType across reconnects', () => {
    const { socket, clock, native } = setup();
    socket.binaryType = 'arraybuffer';
    expect(native().binaryType).toBe('arraybuffer');
    native().fail();
    clock.runNext();
    expect(native().binaryType).toBe('arraybuffer');
    expect(socket.binaryType).toBe('arraybuffer');
  });

  it('queues sends before open and flushes them first, in order', () => {
    const { socket, native } = setup();
    expect(socket.send('one')).toBe(true);
    expect(socket.send('twö')).toBe(true);
    expect(socket.bufferedAmount).toBe(3 + 4);
    socket.onopen = () => socket.send('three');
    native().serverOpen();
    expect(native().sent).toEqual(['one', 'twö', 'three']);
    expect(socket.bufferedAmount).toBe(0);
    expect(socket.stats).toMatchObject({ messagesSent: 3, queued: 0 });
  });

  it('bufferedAmount adds the native buffer to the queue', () => {
    const { socket, native } = setup({ queue: { highWaterMark: 50 } });
    native().serverOpen();
    native().bufferedAmount = 100; // above the high-water mark: the next send waits
    socket.send(new Uint8Array(10));
    expect(socket.bufferedAmount).toBe(110);
    expect(socket.stats.queuedBytes).toBe(10);
  });

  it('refuses data the native socket would mangle', () => {
    const { socket } = setup();
    expect(() => socket.send({ not: 'binary' } as never)).toThrow(TypeError);
  });

  it('a queued binary message goes out with the bytes it had at send(), as the native send() takes them (issue 14)', () => {
    const { socket, native } = setup();
    const view = new Uint8Array([1, 2, 3]);
    const buffer = new Uint8Array([4, 5]).buffer;
    const offset = new Uint16Array([6, 7, 8]).subarray(1); // a view into the middle of its buffer
    socket.send(view);
    socket.send(buffer);
    socket.send(offset);
    view[0] = 9;
    new Uint8Array(buffer)[0] = 9;
    offset[0] = 9;
    native().serverOpen();
    const bytes = (data: unknown) => [...new Uint8Array(ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : (data as ArrayBuffer))];
    expect(native().sent.map(bytes)).toEqual([[1, 2, 3], [4, 5], [...new Uint8Array(new Uint16Array([7, 8]).buffer)]]);
    expect(socket.bufferedAmount).toBe(0);
  });
});

describe('#close', () => {
  it('while open: CLOSING, then CLOSED on the native close, final', () => {
    const { socket, native, clock, log } = setup();
    native().serverOpen();
    socket.close(1000, 'bye');
    expect(native().closeCalls).toEqual([{ code: 1000, reason: 'bye' }]);
    expect(socket.readyState).toBe(2);
    native().serverClose(1000, 'bye', true);
    expect(socket.readyState).toBe(3);
    expect(log()).toEqual(['state:open', 'open', 'state:closing', 'state:closed', 'close:1000:final']);
    expect(clock.pending).toBe(0);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('while waiting to reconnect: CLOSED at once with a close event', () => {
    const { socket, native, clock, log } = setup();
    native().fail();
    expect(socket.connectionState).toBe('reconnecting');
    socket.close();
    expect(socket.readyState).toBe(3);
    expect(log().slice(-2)).toEqual(['state:closed', 'close:1005:final']);
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('during the handshake: aborts the native socket and is CLOSED at once', () => {
    const { socket, native, clock } = setup();
    const first = native();
    socket.close(4001, 'leaving');
    expect(first.closeCalls).toHaveLength(1);
    expect(first.liveHandlers).toBe(0);
    expect(socket.readyState).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it('gives up waiting for the closing handshake after closeTimeout', () => {
    const { socket, native, clock, log } = setup({ closeTimeout: 2000 });
    native().serverOpen();
    socket.close();
    clock.advance(1999);
    expect(socket.readyState).toBe(2);
    clock.advance(1);
    expect(socket.readyState).toBe(3);
    expect(log().at(-1)).toBe('close:1006:final');
    expect(native().liveHandlers).toBe(0);
  });

  it.each([
    [1001, 'InvalidAccessError'],
    [999, 'InvalidAccessError'],
    [5000, 'InvalidAccessError'],
  ])('code %i throws %s and changes nothing', (code, name) => {
    const { socket, native } = setup();
    native().serverOpen();
    expect(() => socket.close(code)).toThrowError(expect.objectContaining({ name }));
    expect(socket.readyState).toBe(1);
    expect(native().closeCalls).toHaveLength(0);
    expect(socket.send('still works')).toBe(true);
  });

  it('a reason over 123 bytes throws SyntaxError and changes nothing', () => {
    const { socket, native } = setup();
    expect(() => socket.close(1000, 'é'.repeat(62))).toThrowError(expect.objectContaining({ name: 'SyntaxError' }));
    expect(socket.readyState).toBe(0);
    native().serverOpen();
    expect(socket.readyState).toBe(1);
  });

  it('drops queued messages, and later sends, with reason closed', () => {
    const { socket, log } = setup();
    socket.send('a');
    socket.send('b');
    socket.close();
    expect(socket.send('c')).toBe(false);
    expect(log().filter((l) => l.startsWith('drop'))).toEqual(['drop:closed', 'drop:closed', 'drop:closed']);
    expect(socket.stats.dropped).toBe(3);
  });

  it('twice is harmless', () => {
    const { socket, log } = setup();
    socket.close();
    socket.close();
    expect(log().filter((l) => l.startsWith('close'))).toHaveLength(1);
  });
});

describe('reconnection', () => {
  it('retries with exponential backoff, reporting each step', () => {
    const { socket, native, clock, log } = setup();
    native().fail();
    expect(socket.readyState).toBe(0);
    expect(log()).toEqual(['error:CONNECTION_ERROR', 'state:reconnecting', 'close:1006:r', 'reconnecting:1:1000']);
    const delays: number[] = [];
    socket.on('reconnecting', (e) => delays.push(e.delay));
    for (let i = 0; i < 5; i++) {
      clock.runNext();
      native().fail();
    }
    expect(delays).toEqual([2000, 4000, 8000, 10_000, 10_000]);
    expect(FakeSocket.instances).toHaveLength(6);
  });

  it('the first connection is retried like any other', () => {
    const { native, clock } = setup();
    native().fail();
    clock.advance(1000);
    expect(FakeSocket.instances).toHaveLength(2);
    native().serverOpen();
  });

  it('resets the backoff only after minUptime', () => {
    const { socket, native, clock } = setup({ minUptime: 5000 });
    const delays: number[] = [];
    socket.on('reconnecting', (e) => delays.push(e.delay));
    native().fail(); // 1000
    clock.runNext();
    native().serverOpen();
    clock.advance(100);
    native().serverClose(1006); // dropped at once: no reset → 2000
    clock.runNext();
    native().serverOpen();
    clock.advance(5000);
    native().serverClose(1001); // stayed up: reset → 1000
    expect(delays).toEqual([1000, 2000, 1000]);
    expect(socket.stats.reconnects).toBe(1);
  });

  it('a connect timeout abandons the attempt and retries', () => {
    const { native, clock, log } = setup({ connectTimeout: 3000 });
    const first = native();
    clock.advance(3000);
    expect(first.closeCalls).toHaveLength(1);
    expect(first.liveHandlers).toBe(0);
    expect(log()).toEqual(['error:CONNECT_TIMEOUT', 'state:reconnecting', 'close:1006:r', 'reconnecting:1:1000']);
    clock.advance(1000);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it.each([
    [1002, 'PROTOCOL_ERROR'],
    [1003, 'UNSUPPORTED_DATA'],
    [1007, 'INVALID_PAYLOAD'],
    [1008, 'POLICY_VIOLATION'],
    [1009, 'MESSAGE_TOO_BIG'],
    [1010, 'MANDATORY_EXTENSION'],
  ])('close %i stops for good with %s', (code, reason) => {
    const { socket, native, clock, log } = setup();
    native().serverOpen();
    native().serverClose(code, 'no');
    expect(socket.readyState).toBe(3);
    expect(log().slice(-3)).toEqual([`error:${reason}`, 'state:closed', `close:${code}:final`]);
    expect(clock.pending).toBe(0);
  });

  it.each([1012, 1013])('close %i retries after 5–30 s, above maxDelay', (code) => {
    const { native, clock, log } = setup({ maxDelay: 2000, random: () => 0 });
    native().serverOpen();
    native().serverClose(code);
    expect(log().at(-1)).toBe('reconnecting:1:5000');
    clock.advance(4999);
    expect(FakeSocket.instances).toHaveLength(1);
    clock.advance(1);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('gives up after maxRetries with RETRIES_EXHAUSTED and one final close', () => {
    const { socket, native, clock, log } = setup({ maxRetries: 2 });
    native().fail();
    clock.runNext();
    native().fail();
    clock.runNext();
    native().fail();
    expect(socket.readyState).toBe(3);
    expect(FakeSocket.instances).toHaveLength(3);
    expect(log().slice(-3)).toEqual(['error:RETRIES_EXHAUSTED', 'state:closed', 'close:1006:final']);
    expect(log().filter((l) => l.endsWith(':final'))).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('maxRetries 0 means the first attempt only', () => {
    const { socket, native } = setup({ maxRetries: 0 });
    native().fail();
    expect(socket.readyState).toBe(3);
  });

  it('shouldReconnect can stop, pick a delay, or overrule a stop code', () => {
    const calls: [number, number][] = [];
    const { socket, native, clock, log } = setup({
      shouldReconnect: (e, attempt) => {
        calls.push([e.code, attempt]);
        return e.code === 1008 ? 123 : e.code !== 4001;
      },
    });
    native().serverOpen();
    native().serverClose(1008);
    expect(log().at(-1)).toBe('reconnecting:1:123');
    clock.advance(123);
    native().serverClose(1006);
    expect(log().at(-1)).toBe('reconnecting:2:2000');
    clock.runNext();
    native().serverClose(4001);
    expect(socket.readyState).toBe(3);
    expect(log().slice(-3)).toEqual(['error:RECONNECT_DECLINED', 'state:closed', 'close:4001:final']);
    expect(calls).toEqual([
      [1008, 0],
      [1006, 1],
      [4001, 2],
    ]);
  });

  it('a throwing shouldReconnect is reported and the default policy applies', () => {
    const { native, log } = setup({
      shouldReconnect: () => {
        throw new Error('oops');
      },
    });
    native().fail();
    expect(log()).toContain('error:RECONNECT_POLICY_FAILED');
    expect(log().at(-1)).toBe('reconnecting:1:1000');
  });

  it('re-entrant close() inside a close listener wins over the scheduled retry', () => {
    const { socket, native, clock, log } = setup();
    socket.addEventListener('close', (e) => {
      if (e.willReconnect) socket.close();
    });
    native().fail();
    expect(socket.readyState).toBe(3);
    expect(log().filter((l) => l.startsWith('reconnecting'))).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});

describe('URL and protocol providers', () => {
  it('calls the URL provider before every attempt', async () => {
    let n = 0;
    const { socket, native, clock } = setup({}, () => `ws://h/?token=${++n}`);
    expect(FakeSocket.instances).toHaveLength(0);
    await settle();
    expect(native().url).toBe('ws://h/?token=1');
    expect(socket.url).toBe('ws://h/?token=1');
    native().fail();
    clock.runNext();
    await settle();
    expect(native().url).toBe('ws://h/?token=2');
  });

  it('awaits async providers, protocols too', async () => {
    const { native } = setup({ protocols: async () => ['v2'] }, async () => 'ws://h/async');
    await settle();
    expect(native().url).toBe('ws://h/async');
    expect(native().protocols).toEqual(['v2']);
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('token service down'))],
    ['throws', () => {
      throw new Error('sync failure');
    }],
    ['returns a non-URL', () => 42 as unknown as string],
  ])('a provider that %s gives an error event and a retry, no unhandled rejection', async (_name, provider) => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const { socket, clock, log, events } = setup({}, provider);
    await settle();
    expect(log()).toEqual(['error:URL_PROVIDER_FAILED', 'state:reconnecting', 'close:1006:r', 'reconnecting:1:1000']);
    const error = events[0]!.event as { error: SteadySocketError };
    expect(error.error).toBeInstanceOf(SteadySocketError);
    expect(error.error.cause).toBeDefined();
    expect(FakeSocket.instances).toHaveLength(0);
    clock.runNext();
    await settle();
    expect(log().filter((l) => l.startsWith('error'))).toHaveLength(2);
    socket.close();
    await settle();
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('a provider that never settles is cut off by connectTimeout', async () => {
    const { clock, log } = setup({ connectTimeout: 500 }, () => new Promise<string>(() => {}));
    clock.advance(500);
    expect(log()[0]).toBe('error:CONNECT_TIMEOUT');
  });

  it('a late provider result after close() is ignored', async () => {
    let resolve!: (url: string) => void;
    const { socket } = setup({}, () => new Promise<string>((r) => (resolve = r)));
    socket.close();
    resolve('ws://h/late');
    await settle();
    expect(FakeSocket.instances).toHaveLength(0);
  });
});

describe('#reconnect', () => {
  it('drops an open connection and connects again at once', () => {
    const { socket, native, log } = setup();
    const first = native();
    first.serverOpen();
    socket.reconnect();
    expect(first.closeCalls).toHaveLength(1);
    expect(first.liveHandlers).toBe(0);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(log().slice(-2)).toEqual(['close:1000:r', 'state:connecting']);
    native().serverOpen();
    expect(socket.stats.reconnects).toBe(1);
  });

  it('skips the backoff wait', () => {
    const { socket, native, clock } = setup();
    native().fail();
    socket.reconnect();
    expect(FakeSocket.instances).toHaveLength(2);
    expect(clock.pending).toBe(1); // the new attempt's connect timeout only
  });

  it('does nothing after close()', () => {
    const { socket } = setup();
    socket.close();
    socket.reconnect();
    expect(socket.readyState).toBe(3);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('revives a socket that gave up', () => {
    const { socket, native } = setup({ maxRetries: 0 });
    native().fail();
    expect(socket.readyState).toBe(3);
    socket.reconnect();
    expect(socket.readyState).toBe(0);
    native().serverOpen();
    expect(socket.readyState).toBe(1);
  });
});

describe('lifecycle', () => {
  function target() {
    const listeners = new Map<string, Set<() => void>>();
    return {
      listeners,
      addEventListener: (type: string, fn: () => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn),
      removeEventListener: (type: string, fn: () => void) => void listeners.get(type)?.delete(fn),
      fire: (type: string) => listeners.get(type)?.forEach((fn) => fn()),
      count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    };
  }

  it('online skips the backoff wait', () => {
    const events = target();
    const { native } = setup({ lifecycleEvents: events, minDelay: 5000, maxDelay: 5000 });
    native().fail();
    events.fire('online');
    expect(FakeSocket.instances).toHaveLength(2);
    events.fire('online'); // an attempt under way is left alone
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('stops listening when closed for good', () => {
    const events = target();
    const { socket } = setup({ lifecycleEvents: events });
    expect(events.count()).toBe(2); // online, pageshow
    socket.close();
    expect(events.count()).toBe(0);
  });

  it('300 reconnect cycles leave no extra listeners and no live timers', () => {
    const events = target();
    const { socket, native, clock } = setup({ lifecycleEvents: events });
    socket.onmessage = () => {};
    socket.addEventListener('close', () => {});
    const listenersBefore = socket.eventNames().map((name) => socket.listenerCount(name));
    for (let i = 0; i < 300; i++) {
      native().serverOpen();
      native().serverMessage(`m${i}`);
      native().serverClose(i % 2 ? 1006 : 1001);
      expect(clock.pending).toBe(1); // just the backoff timer
      clock.runNext();
    }
    expect(FakeSocket.instances).toHaveLength(301);
    expect(FakeSocket.instances.slice(0, -1).every((s) => s.liveHandlers === 0)).toBe(true);
    expect(socket.eventNames().map((name) => socket.listenerCount(name))).toEqual(listenersBefore);
    expect(events.count()).toBe(2);
    expect(socket.stats).toMatchObject({ reconnects: 299, messagesReceived: 300 });
    socket.close();
    expect(clock.pending).toBe(0);
    expect(events.count()).toBe(0);
  });
});
