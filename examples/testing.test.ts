// An app's own tests, written as a user of the package writes them: only 'steadysocket' and
// 'steadysocket/testing', no network, no real time (vitest here; examples/testing.jest.cjs
// is the same kind of file under jest). Each test is one point of issue 17's acceptance.
// #region readme
import { SteadySocket } from 'steadysocket';
import { createTestClock, createTestServer } from 'steadysocket/testing';
import { expect, it } from 'vitest';
// #endregion
import { describe } from 'vitest'; // for the rest of the file

// #region readme
it('sends what was typed offline once the connection is back', async () => {
  const server = createTestServer('ws://test/feed');
  const clock = createTestClock();
  const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
  const seen: string[] = [];
  const closes: number[] = [];
  ws.onmessage = (event) => seen.push(event.data);
  ws.onclose = (event) => closes.push(event.code);

  ws.send('queued before open');
  await server.connected();
  ws.send('hello');
  expect(await server.nextMessage()).toBe('queued before open');
  expect(await server.nextMessage()).toBe('hello');
  server.send('welcome');
  expect(seen).toEqual(['welcome']);

  server.drop(); // the connection is lost abruptly
  expect(closes).toEqual([1006]);
  expect(ws.connectionState).toBe('reconnecting');
  ws.send('typed offline 1');
  ws.send('typed offline 2');
  clock.advance(30_000); // the backoff wait passes at once
  await server.connected();
  expect(await server.nextMessage()).toBe('typed offline 1');
  expect(await server.nextMessage()).toBe('typed offline 2');
  ws.close();
});
// #endregion

describe('examples/testing.test.ts — the rest of the acceptance', () => {
  it('gives up on a 1008 close: no retry, however long the test waits', async () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock();
    const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
    const closes: Array<[number, boolean]> = [];
    const errors: string[] = [];
    ws.onclose = (event) => closes.push([event.code, event.willReconnect]);
    ws.onerror = (event) => errors.push(event.error.code);
    await server.connected();

    server.close(1008, 'forbidden');
    clock.advance(10 * 60_000);
    expect(closes).toEqual([[1008, false]]);
    expect(errors).toEqual(['POLICY_VIOLATION']);
    expect(ws.readyState).toBe(SteadySocket.CLOSED);
    expect(server.clients).toBe(0);
  });

  it('stays out while the server refuses, and connects once it is allowed again', async () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock();
    const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
    const closes: number[] = [];
    ws.onerror = () => {}; // each refusal is an error event too
    ws.onclose = (event) => closes.push(event.code);
    await server.connected();

    server.refuse(true);
    server.drop();
    clock.advance(5 * 60_000); // many attempts, every one refused
    expect(ws.connectionState).toBe('reconnecting');
    expect(ws.stats.reconnects).toBe(0);
    expect(closes.length).toBeGreaterThan(5);
    expect(new Set(closes)).toEqual(new Set([1006]));

    server.refuse(false);
    clock.advance(10_000); // the longest backoff wait
    await server.connected();
    expect(ws.readyState).toBe(SteadySocket.OPEN);
    expect(ws.stats.reconnects).toBe(1);
    ws.close();
  });

  it('notices a half-open connection by its heartbeat (close 4000), then reconnects', async () => {
    const server = createTestServer('ws://test/feed');
    const clock = createTestClock();
    const ws = new SteadySocket('ws://test/feed', {
      WebSocket: server.WebSocket,
      clock,
      heartbeat: { interval: 20_000, timeout: 5_000 },
    });
    const closes: number[] = [];
    ws.onerror = () => {};
    ws.onclose = (event) => closes.push(event.code);
    await server.connected();

    clock.advance(20_000);
    expect(await server.nextMessage()).toBe('ping');
    server.send('pong'); // a live server answers: nothing happens
    clock.advance(5_000);
    expect(closes).toEqual([]);

    server.silence(); // half-open: nothing passes either way, no close fires
    clock.advance(20_000 + 5_000);
    expect(closes).toEqual([4000]);
    expect(server.received).toEqual(['ping']); // the second ping never arrived
    clock.advance(10_000);
    await server.connected();
    ws.close();
  });

  describe('two tests on one URL, with no cleanup in between', () => {
    for (const name of ['first', 'second']) {
      it(`the ${name} gets a server of its own`, async () => {
        const server = createTestServer('ws://test/feed');
        const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock: createTestClock() });
        await server.connected();
        ws.send(name);
        expect(await server.nextMessage()).toBe(name);
        expect(server.received).toEqual([name]);
        expect(server.clients).toBe(1);
        // Left open on purpose: the next test's server is another one.
      });
    }
  });
});
