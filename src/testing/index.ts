/**
 * `steadysocket/testing`: a test kit for apps built on SteadySocket. An in-process server
 * per test and a clock the test moves, so reconnection, backoff, heartbeats and half-open
 * connections are tested with no network and no real time, under vitest or jest. An app's
 * own bundle never loads this entry.
 *
 * @example
 * import { SteadySocket } from 'steadysocket';
 * import { createTestClock, createTestServer } from 'steadysocket/testing';
 *
 * const server = createTestServer('ws://test/feed');
 * const clock = createTestClock();
 * const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
 * await server.connected();
 * ws.send('hi');
 * expect(await server.nextMessage()).toBe('hi');
 * server.drop(); // abrupt loss, close 1006
 * clock.advance(30_000); // the backoff wait passes at once
 * await server.connected(); // reconnected
 *
 * @packageDocumentation
 */
export { createTestServer } from './server';
export { createTestClock } from './clock';

export type { TestConnection, TestServer } from './server';
export type { TestClock, TestClockOptions } from './clock';
export type {
  ReceivedData,
  TestCloseEvent,
  TestHandler,
  TestListener,
  TestListenerObject,
  TestMessageEvent,
  TestSendData,
  TestSocketEvent,
  TestWebSocket,
  TestWebSocketConstructor,
  TestWebSocketEventMap,
} from './types';
