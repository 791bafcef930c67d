// The same kind of test as examples/testing.test.ts, under jest: CommonJS, jest's globals,
// `require('steadysocket/testing')`. Run by `npx jest -c test/testing/jest.config.cjs`
// (test/testing/runners.test.ts runs it under `npm test`).
const { SteadySocket } = require('steadysocket');
const { createTestClock, createTestServer } = require('steadysocket/testing');

describe('steadysocket/testing under jest', () => {
  test('reconnects after a drop on the test clock, and sends what waited in order', async () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock();
    const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
    const closes = [];
    ws.onclose = (event) => closes.push(event.code);
    await server.connected();

    server.drop();
    ws.send('a');
    ws.send('b');
    clock.advance(30_000);
    await server.connected();
    expect(await server.nextMessage()).toBe('a');
    expect(await server.nextMessage()).toBe('b');
    expect(closes).toEqual([1006]);
    ws.close();
  });

  test('a half-open connection is found by the heartbeat: close 4000', async () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock();
    const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock, heartbeat: { interval: 1_000, timeout: 500 } });
    const closes = [];
    ws.onerror = () => {};
    ws.onclose = (event) => closes.push(event.code);
    await server.connected();
    server.silence();
    clock.advance(1_500);
    expect(closes).toEqual([4000]);
    ws.close();
  });

  test('the same URL again, with no cleanup: a server of its own', async () => {
    const server = createTestServer('ws://test/feed');
    const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock: createTestClock() });
    await server.connected();
    ws.send('mine');
    expect(await server.nextMessage()).toBe('mine');
    expect(server.received).toEqual(['mine']);
    ws.close();
  });
});
