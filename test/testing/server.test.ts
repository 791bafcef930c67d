import { describe, expect, it } from 'vitest';
import { SteadySocket } from '../../src/socket/index';
import { createTestClock, createTestServer, type TestServer, type TestWebSocket } from '../../src/testing/index';

/** One turn of the event loop: what the kit had due now (deliveries) has run. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A raw client of `server`, recording its events as `type` or `close:code:clean`. */
function client(server: TestServer, url = server.url, protocols?: string | string[]) {
  const ws = new server.WebSocket(url, protocols);
  const events: string[] = [];
  const messages: unknown[] = [];
  ws.onopen = () => events.push('open');
  ws.onerror = () => events.push('error');
  ws.onclose = (e) => events.push(`close:${e.code}:${e.wasClean ? 'clean' : 'unclean'}${e.reason ? `:${e.reason}` : ''}`);
  ws.onmessage = (e) => messages.push(e.data);
  return { ws, events, messages };
}

async function open(server: TestServer, ...args: [string?, (string | string[])?]) {
  const c = client(server, ...args);
  await server.connected();
  return c;
}

describe('createTestServer', () => {
  it('answers on the URL given, resolved as a WebSocket URL', () => {
    expect(createTestServer('ws://test/feed').url).toBe('ws://test/feed');
    expect(createTestServer('ws://test').url).toBe('ws://test/');
    expect(createTestServer(new URL('wss://test/x?a=1')).url).toBe('wss://test/x?a=1');
    expect(createTestServer('https://test/x').url).toBe('wss://test/x');
  });

  it.each<[string, unknown]>([
    ['a URL of another scheme', 'ftp://test/'],
    ['a URL with a fragment', 'ws://test/#top'],
    ['a relative URL', '/feed'],
    ['a number', 42],
    ['nothing', undefined],
  ])('refuses %s with a TypeError', (_name, url) => {
    expect(() => createTestServer(url as string)).toThrow(TypeError);
  });
});

describe('server.WebSocket', () => {
  it('is a constructor with the native constants, for options.WebSocket', () => {
    const server = createTestServer('ws://test/');
    expect([server.WebSocket.CONNECTING, server.WebSocket.OPEN, server.WebSocket.CLOSING, server.WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(new server.WebSocket('ws://test/').OPEN).toBe(1);
  });

  it('connects to its own server only: another URL is a TypeError; another query is the same server', async () => {
    const server = createTestServer('ws://test/feed');
    expect(() => new server.WebSocket('ws://test/other')).toThrow(TypeError);
    expect(() => new server.WebSocket('ws://other/feed')).toThrow(/belongs to the test server at ws:\/\/test\/feed/);
    client(server, 'ws://test/feed?token=abc', ['v2', 'v1']);
    expect(await server.connected()).toEqual({ url: 'ws://test/feed?token=abc', protocols: ['v2', 'v1'], protocol: 'v2' });
  });

  it('servers on one URL are independent: each socket reaches the server whose class made it', async () => {
    const first = createTestServer('ws://test/feed');
    const second = createTestServer('ws://test/feed');
    const a = await open(first);
    const b = await open(second);
    a.ws.send('to first');
    b.ws.send('to second');
    expect(await first.nextMessage()).toBe('to first');
    expect(await second.nextMessage()).toBe('to second');
    first.stop();
    expect(a.events).toEqual(['open', 'close:1006:unclean']);
    expect(b.events).toEqual(['open']);
  });
});

describe('#connected', () => {
  it('resolves with the connections in the order they opened, each once', async () => {
    const server = createTestServer('ws://test/');
    client(server, 'ws://test/?n=1');
    client(server, 'ws://test/?n=2');
    await turn();
    expect((await server.connected()).url).toBe('ws://test/?n=1');
    expect((await server.connected()).url).toBe('ws://test/?n=2');
    expect(server.clients).toBe(2);
    const third = server.connected();
    client(server, 'ws://test/?n=3');
    expect((await third).url).toBe('ws://test/?n=3');
  });

  it('skips a connection that closed before anyone awaited it', async () => {
    const server = createTestServer('ws://test/');
    client(server, 'ws://test/?n=1');
    await turn();
    server.drop();
    client(server, 'ws://test/?n=2');
    expect((await server.connected()).url).toBe('ws://test/?n=2');
  });
});

describe('#nextMessage and received', () => {
  it('hand out messages in the order received, buffered until awaited, across connections', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    a.ws.send('one');
    a.ws.send('two');
    a.ws.close();
    const b = await open(server);
    b.ws.send('three');
    expect(await server.nextMessage()).toBe('one');
    expect(await server.nextMessage()).toBe('two');
    expect(await server.nextMessage()).toBe('three');
    expect(server.received).toEqual(['one', 'two', 'three']);
  });

  it('receive binary data as a copy of the bytes sent, taken at send()', async () => {
    const server = createTestServer('ws://test/');
    const { ws } = await open(server);
    const bytes = new Uint8Array([1, 2, 3, 4]);
    ws.send(bytes.subarray(1, 3));
    ws.send(bytes.buffer);
    bytes[1] = 99;
    expect(await server.nextMessage()).toEqual(new Uint8Array([2, 3]));
    expect(await server.nextMessage()).toEqual(new Uint8Array([1, 2, 3, 4]));
  });
});

describe('#send', () => {
  it('reaches every open client at once and says how many', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    const b = await open(server);
    expect(server.send('hello')).toBe(2);
    expect(a.messages).toEqual(['hello']);
    expect(b.messages).toEqual(['hello']);
    b.ws.close();
    await turn();
    expect(server.send('again')).toBe(1);
    expect(b.messages).toEqual(['hello']);
  });

  it('delivers binary as the client’s binaryType asks', async () => {
    const server = createTestServer('ws://test/');
    const { ws, messages } = await open(server);
    server.send(new Uint8Array([1, 2]));
    ws.binaryType = 'arraybuffer';
    server.send(new Uint8Array([3]).buffer);
    expect(messages[0]).toBeInstanceOf(Blob);
    expect(new Uint8Array(await (messages[0] as Blob).arrayBuffer())).toEqual(new Uint8Array([1, 2]));
    expect(new Uint8Array(messages[1] as ArrayBuffer)).toEqual(new Uint8Array([3]));
  });

  it.each([{}, null, 7])('refuses %s with a TypeError', (data) => {
    expect(() => createTestServer('ws://test/').send(data as never)).toThrow(TypeError);
  });
});

describe('#drop', () => {
  it('closes every connection with 1006, not clean, and no error event; the server stays up', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    server.drop();
    expect(a.events).toEqual(['open', 'close:1006:unclean']);
    expect(a.ws.readyState).toBe(3);
    expect(server.clients).toBe(0);
    await open(server);
    expect(server.clients).toBe(1);
  });

  it('loses what was in flight', async () => {
    const server = createTestServer('ws://test/');
    const { ws } = await open(server);
    ws.send('in flight');
    server.drop();
    await turn();
    expect(server.received).toEqual([]);
  });
});

describe('#close', () => {
  it('closes every connection cleanly with the code and reason; new connections are taken', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    server.close(4001, 'logged out');
    expect(a.events).toEqual(['open', 'close:4001:clean:logged out']);
    const b = await open(server);
    server.close();
    expect(b.events).toEqual(['open', 'close:1000:clean']);
  });

  it.each([999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5])('refuses code %s with a RangeError', (code) => {
    expect(() => createTestServer('ws://test/').close(code)).toThrow(RangeError);
  });

  it('refuses a reason over 123 UTF-8 bytes, or not a string', () => {
    const server = createTestServer('ws://test/');
    expect(() => server.close(1000, 'é'.repeat(62))).toThrow(RangeError);
    expect(() => server.close(1000, 42 as never)).toThrow(TypeError);
    expect(() => server.close(1000, 'é'.repeat(61))).not.toThrow();
  });
});

describe('#refuse', () => {
  it('fails new attempts with an error and a close 1006 until refuse(false); open ones stay', async () => {
    const server = createTestServer('ws://test/');
    const old = await open(server);
    server.refuse(true);
    const refused = client(server);
    await turn();
    expect(refused.events).toEqual(['error', 'close:1006:unclean']);
    expect(refused.ws.readyState).toBe(3);
    expect(old.events).toEqual(['open']);
    server.refuse(false);
    const later = await open(server);
    expect(later.events).toEqual(['open']);
  });

  it('takes a boolean only', () => {
    expect(() => createTestServer('ws://test/').refuse('yes' as never)).toThrow(TypeError);
  });
});

describe('#reply', () => {
  it('answers the client that sent, at once; what it answers is received but not handed out', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    const b = await open(server);
    server.reply((data) => (data === 'ping' ? 'pong' : undefined));
    a.ws.send('ping');
    a.ws.send('hello');
    await turn();
    expect(a.messages).toEqual(['pong']);
    expect(b.messages).toEqual([]);
    expect(server.received).toEqual(['ping', 'hello']);
    expect(await server.nextMessage()).toBe('hello');
    server.reply(null);
    b.ws.send('ping');
    expect(await server.nextMessage()).toBe('ping');
    expect(b.messages).toEqual([]);
  });

  it('reports a handler that throws or answers what cannot be sent, and answers nothing', async () => {
    const server = createTestServer('ws://test/');
    const { ws, messages } = await open(server);
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    process.on('uncaughtException', onError);
    try {
      server.reply((data) => {
        if (data === 'throw') throw new Error('bug in reply');
        return { not: 'sendable' } as never;
      });
      ws.send('throw');
      ws.send('object');
      await turn();
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(messages).toEqual([]);
    expect(reported).toEqual([new Error('bug in reply'), expect.any(TypeError)]);
    expect(await server.nextMessage()).toBe('throw');
  });

  it('takes a function or null only', () => {
    expect(() => createTestServer('ws://test/').reply('pong' as never)).toThrow(TypeError);
  });
});

describe('#stall', () => {
  it('leaves new attempts hanging until stall(false) completes them', async () => {
    const server = createTestServer('ws://test/');
    server.stall(true);
    const held = client(server);
    await turn();
    expect(held.ws.readyState).toBe(0);
    expect(held.events).toEqual([]);
    server.stall(false);
    await server.connected();
    expect(held.events).toEqual(['open']);
  });

  it('lets SteadySocket’s connect timeout fire on the test clock', () => {
    const server = createTestServer('ws://test/');
    server.stall(true);
    const clock = createTestClock({ autoRun: false });
    const ws = new SteadySocket('ws://test/', { WebSocket: server.WebSocket, clock, connectTimeout: 3000, lifecycleEvents: null });
    const errors: string[] = [];
    ws.onerror = (e) => errors.push(e.error.code);
    clock.advance(2999);
    expect(errors).toEqual([]);
    clock.advance(1);
    expect(errors).toEqual(['CONNECT_TIMEOUT']);
    ws.close();
  });

  it('takes a boolean only', () => {
    expect(() => createTestServer('ws://test/').stall(1 as never)).toThrow(TypeError);
  });
});

describe('#silence', () => {
  it('passes nothing either way and fires no close, even on close(); drop() ends it', async () => {
    const server = createTestServer('ws://test/');
    const { ws, events, messages } = await open(server);
    server.silence();
    expect(server.send('lost')).toBe(0);
    ws.send('stuck');
    server.close(1000);
    ws.close();
    await turn();
    expect(messages).toEqual([]);
    expect(server.received).toEqual([]);
    expect(events).toEqual(['open']);
    expect(ws.readyState).toBe(2);
    expect(ws.bufferedAmount).toBe(5);
    expect(server.clients).toBe(1);
    server.drop();
    expect(events).toEqual(['open', 'close:1006:unclean']);
  });

  it('leaves later connections working', async () => {
    const server = createTestServer('ws://test/');
    await open(server);
    server.silence();
    const fresh = await open(server);
    fresh.ws.send('fine');
    expect(await server.nextMessage()).toBe('fine');
  });
});

describe('#stop', () => {
  it('drops every connection, refuses later attempts, and rejects what waits', async () => {
    const server = createTestServer('ws://test/');
    const a = await open(server);
    const waiting = [server.connected(), server.nextMessage()];
    server.stop();
    server.stop();
    expect(a.events).toEqual(['open', 'close:1006:unclean']);
    await expect(waiting[0]).rejects.toThrow(/stopped/);
    await expect(waiting[1]).rejects.toThrow(/stopped/);
    await expect(server.connected()).rejects.toThrow(/stopped/);
    const late = client(server);
    await turn();
    expect(late.events).toEqual(['error', 'close:1006:unclean']);
  });

  it('still hands out messages received before it, then rejects', async () => {
    const server = createTestServer('ws://test/');
    const { ws } = await open(server);
    ws.send('before');
    await turn();
    server.stop();
    expect(await server.nextMessage()).toBe('before');
    await expect(server.nextMessage()).rejects.toThrow(/stopped/);
  });

  it('refuses attempts it held', async () => {
    const server = createTestServer('ws://test/');
    server.stall(true);
    const held = client(server);
    await turn();
    server.stop();
    await turn();
    expect(held.events).toEqual(['error', 'close:1006:unclean']);
  });
});

describe('clients', () => {
  it('counts open connections', async () => {
    const server = createTestServer('ws://test/');
    expect(server.clients).toBe(0);
    const sockets: TestWebSocket[] = [(await open(server)).ws, (await open(server)).ws];
    expect(server.clients).toBe(2);
    sockets[0]!.close();
    await turn();
    expect(server.clients).toBe(1);
  });
});
