/**
 * The kit's types as a user's test meets them (`vitest --typecheck`): server.WebSocket and
 * the test clock fit SteadySocket's options, and wrong arguments do not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { SteadySocket, type Clock, type SteadySocketOptions } from '../../src/socket/index';
import {
  createTestClock,
  createTestServer,
  type ReceivedData,
  type TestClock,
  type TestConnection,
  type TestServer,
  type TestWebSocket,
} from '../../src/testing/index';

describe('steadysocket/testing types', () => {
  it('fits SteadySocket: WebSocket and clock options', () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock({ autoRun: false });
    expectTypeOf(server).toEqualTypeOf<TestServer>();
    expectTypeOf(clock).toEqualTypeOf<TestClock>();
    expectTypeOf(clock).toMatchTypeOf<Clock>();
    expectTypeOf(server.WebSocket).toMatchTypeOf<NonNullable<SteadySocketOptions['WebSocket']>>();
    new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
  });

  it('types what the server hands out', () => {
    const server = createTestServer(new URL('ws://test/'));
    expectTypeOf(server.connected()).toEqualTypeOf<Promise<TestConnection>>();
    expectTypeOf(server.nextMessage()).toEqualTypeOf<Promise<ReceivedData>>();
    expectTypeOf(server.received).toEqualTypeOf<readonly ReceivedData[]>();
    expectTypeOf<string>().toMatchTypeOf<ReceivedData>();
    expectTypeOf<Uint8Array>().toMatchTypeOf<ReceivedData>();
    expectTypeOf(server.send('x')).toEqualTypeOf<number>();
    expectTypeOf(clock().advanceAsync(1)).toEqualTypeOf<Promise<void>>();
  });

  it('types a raw test socket as a DOM-style WebSocket', () => {
    const server = createTestServer('ws://test/');
    const ws = new server.WebSocket('ws://test/', ['v1']);
    expectTypeOf(ws).toEqualTypeOf<TestWebSocket>();
    ws.onmessage = (event) => expectTypeOf(event.data).toEqualTypeOf<string | ArrayBuffer | Blob>();
    ws.onclose = (event) => expectTypeOf(event.code).toEqualTypeOf<number>();
    ws.addEventListener('close', (event) => event.wasClean, { once: true });
    ws.addEventListener('message', { handleEvent: (event) => event.data });
    ws.binaryType = 'arraybuffer';
    // @ts-expect-error: not a binaryType
    ws.binaryType = 'nodebuffer';
    // @ts-expect-error: not an event of a WebSocket
    ws.addEventListener('drop', () => {});
    // @ts-expect-error: readyState is read-only
    ws.readyState = 1;
  });

  it('refuses wrong arguments', () => {
    const server = createTestServer('ws://test/');
    // @ts-expect-error: a URL is a string or URL
    createTestServer(42);
    // @ts-expect-error: refuse takes a boolean
    server.refuse('yes');
    // @ts-expect-error: the code is a number
    server.close('1000');
    // @ts-expect-error: the server sends text or bytes
    server.send({ type: 'hello' });
    // @ts-expect-error: a reply is text or bytes
    server.reply(() => ({ type: 'pong' }));
    // @ts-expect-error: advance takes ms
    clock().advance('1s');
    // @ts-expect-error: no such option
    createTestClock({ startAt: 0 });
  });
});

function clock(): TestClock {
  return createTestClock();
}
