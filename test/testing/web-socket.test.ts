/** The client side of the kit: a test server's WebSocket, held to the native one's rules. */
import { describe, expect, it } from 'vitest';
import { createTestServer, type TestSocketEvent } from '../../src/testing/index';

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function make(url = 'ws://test/feed') {
  const server = createTestServer(url);
  return { server, ws: new server.WebSocket(url) };
}

// Listener errors are reported asynchronously (reportError, else an uncaught exception):
// collect them instead of failing the run.
function catchReported() {
  const reported: unknown[] = [];
  const onError = (error: unknown) => reported.push(error);
  process.on('uncaughtException', onError);
  return {
    reported,
    done: async () => {
      await new Promise<void>((r) => setImmediate(r));
      process.off('uncaughtException', onError);
    },
  };
}

describe('constructor', () => {
  it('resolves the URL as the native one does and starts CONNECTING', () => {
    const server = createTestServer('ws://test/');
    const ws = new server.WebSocket('http://test');
    expect(ws.url).toBe('ws://test/');
    expect(ws.readyState).toBe(ws.CONNECTING);
    expect([ws.protocol, ws.extensions, ws.bufferedAmount, ws.binaryType]).toEqual(['', '', 0, 'blob']);
  });

  it.each(['ws://test/#x', 'ws://test/#', 'ftp://test/', 'not a url'])('throws a SyntaxError for %s', (url) => {
    const { server } = make('ws://test/');
    expect(() => new server.WebSocket(url)).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
  });

  it.each<[string, unknown]>([
    ['a duplicate subprotocol', ['a', 'a']],
    ['a subprotocol with a space', 'a b'],
    ['an empty subprotocol', ''],
    ['a subprotocol that is not a string', [1]],
    ['an object', { a: 1 }],
  ])('throws a SyntaxError for %s', (_name, protocols) => {
    const { server } = make('ws://test/');
    expect(() => new server.WebSocket('ws://test/', protocols as string[])).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
  });
});

describe('opening', () => {
  it('opens on the next turn, with the first subprotocol offered, `this` being the socket', async () => {
    const server = createTestServer('ws://test/');
    const ws = new server.WebSocket('ws://test/', ['chat', 'json']);
    const seen: Array<[string, unknown, number]> = [];
    ws.onopen = function (this: unknown, e: TestSocketEvent) {
      seen.push([e.type, this, ws.readyState]);
    };
    await server.connected();
    expect(seen).toEqual([['open', ws, 1]]);
    expect(ws.protocol).toBe('chat');
  });
});

describe('#send', () => {
  it('throws an InvalidStateError while CONNECTING', () => {
    const { ws } = make();
    expect(() => ws.send('early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
  });

  it('sends anything else as text, as the native one does', async () => {
    const { server, ws } = make();
    await server.connected();
    ws.send(42 as never);
    expect(await server.nextMessage()).toBe('42');
  });

  it('discards what is sent after close(): nothing reaches the server', async () => {
    const { server, ws } = make();
    await server.connected();
    ws.close();
    ws.send('after close');
    await turn();
    expect(server.received).toEqual([]);
    expect(ws.bufferedAmount).toBe(0);
  });

  it('reports bufferedAmount 0 on a live link: its deliveries happen at once', async () => {
    const { server, ws } = make();
    await server.connected();
    ws.send('x'.repeat(1000));
    expect(ws.bufferedAmount).toBe(0);
    expect(await server.nextMessage()).toHaveLength(1000);
  });

  it('counts UTF-8 bytes stuck on a silenced link', async () => {
    const { server, ws } = make();
    await server.connected();
    server.silence();
    ws.send('é€😀');
    ws.send(new Uint8Array(3));
    expect(ws.bufferedAmount).toBe(2 + 3 + 4 + 3);
  });
});

describe('#close', () => {
  it.each([1001, 2999, 5000, 1000.5, '1000'])('throws an InvalidAccessError for code %s', (code) => {
    const { ws } = make();
    expect(() => ws.close(code as number)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(ws.readyState).toBe(0);
  });

  it('throws a SyntaxError for a reason over 123 UTF-8 bytes', () => {
    const { ws } = make();
    expect(() => ws.close(1000, '€'.repeat(42))).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
  });

  it('while CONNECTING fails the attempt: error, then close 1006; the server never sees it', async () => {
    const { server, ws } = make();
    const events: string[] = [];
    ws.onerror = () => events.push('error');
    ws.onclose = (e) => events.push(`close:${e.code}:${e.wasClean}`);
    ws.close();
    expect(ws.readyState).toBe(2);
    await turn();
    expect(events).toEqual(['error', 'close:1006:false']);
    expect(server.clients).toBe(0);
  });

  it('while OPEN is a clean close with the code given (1005 for none), after the closing handshake', async () => {
    const { server, ws } = make();
    await server.connected();
    const closes: Array<[number, string, boolean]> = [];
    ws.onclose = (e) => closes.push([e.code, e.reason, e.wasClean]);
    ws.close(4000, 'bye');
    ws.close(1000); // already closing: nothing
    expect(ws.readyState).toBe(2);
    await turn();
    expect(closes).toEqual([[4000, 'bye', true]]);
    expect(ws.readyState).toBe(3);
    const other = new server.WebSocket('ws://test/feed');
    await server.connected();
    other.onclose = (e) => closes.push([e.code, e.reason, e.wasClean]);
    other.close();
    await turn();
    expect(closes.at(-1)).toEqual([1005, '', true]);
  });

  it('delivers no message from the server once closing', async () => {
    const { server, ws } = make();
    await server.connected();
    const messages: unknown[] = [];
    ws.onmessage = (e) => messages.push(e.data);
    ws.close();
    server.send('too late');
    expect(messages).toEqual([]);
  });
});

describe('binaryType', () => {
  it('takes blob and arraybuffer, and ignores anything else', () => {
    const { ws } = make();
    ws.binaryType = 'arraybuffer';
    ws.binaryType = 'nodebuffer' as never;
    expect(ws.binaryType).toBe('arraybuffer');
  });
});

describe('listeners', () => {
  it('adds a listener once, honours once and handleEvent objects, and removes by reference', async () => {
    const { server, ws } = make();
    await server.connected();
    const calls: string[] = [];
    const fn = () => calls.push('fn');
    const object = { handleEvent: (e: { data: unknown }) => calls.push(`object:${String(e.data)}`) };
    ws.addEventListener('message', fn);
    ws.addEventListener('message', fn);
    ws.addEventListener('message', () => calls.push('once'), { once: true });
    ws.addEventListener('message', object);
    ws.addEventListener('message', null);
    server.send('1');
    ws.removeEventListener('message', fn);
    server.send('2');
    expect(calls).toEqual(['fn', 'once', 'object:1', 'object:2']);
  });

  it('keeps an onX handler in the place it was first set; null or a non-function removes it', async () => {
    const { server, ws } = make();
    await server.connected();
    const calls: string[] = [];
    ws.onmessage = () => calls.push('handler 1');
    ws.addEventListener('message', () => calls.push('listener'));
    ws.onmessage = () => calls.push('handler 2');
    server.send('x');
    ws.onmessage = 'nope' as never;
    expect(ws.onmessage).toBeNull();
    server.send('y');
    expect(calls).toEqual(['handler 2', 'listener', 'listener']);
  });

  it('skips a listener that an earlier one removed during the same event', async () => {
    const { server, ws } = make();
    await server.connected();
    const calls: string[] = [];
    const second = () => calls.push('second');
    ws.addEventListener('message', () => ws.removeEventListener('message', second));
    ws.addEventListener('message', second);
    server.send('x');
    expect(calls).toEqual([]);
  });

  it('reports a throwing listener without stopping the others', async () => {
    const { server, ws } = make();
    await server.connected();
    const trap = catchReported();
    const calls: string[] = [];
    ws.onmessage = () => {
      throw new Error('bug in a handler');
    };
    ws.addEventListener('message', () => calls.push('after'));
    expect(server.send('x')).toBe(1);
    await trap.done();
    expect(calls).toEqual(['after']);
    expect(trap.reported).toEqual([new Error('bug in a handler')]);
  });
});
