/**
 * The kit's network on test time: deliveries run before a test clock fires its next timer,
 * and by themselves on the next turn of the event loop.
 */
import { describe, expect, it } from 'vitest';
import { SteadySocket } from '../../src/socket/index';
import { deliver, flushNetwork } from '../../src/testing/network';
import { createTestClock, createTestServer } from '../../src/testing/index';

const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('deliveries', () => {
  it('run in order, with the ones they queue, when flushed', () => {
    const ran: string[] = [];
    deliver(() => {
      ran.push('a');
      deliver(() => ran.push('c'));
    });
    deliver(() => ran.push('b'));
    flushNetwork();
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('run by themselves on the next turn', async () => {
    const ran: string[] = [];
    deliver(() => ran.push('delivered'));
    await turn();
    expect(ran).toEqual(['delivered']);
  });

  it('that answer each other forever stop with a RangeError rather than hanging', () => {
    const ping = (): void => deliver(ping);
    deliver(ping);
    expect(() => flushNetwork()).toThrow(/deliveries at one instant/);
    expect(() => flushNetwork()).not.toThrow(); // the queue was emptied
  });
});

describe('a test clock and the network', () => {
  it('an attempt that an advance starts opens before that advance fires its connect timeout', () => {
    const server = createTestServer('ws://test/');
    const clock = createTestClock({ autoRun: false });
    const ws = new SteadySocket('ws://test/', { WebSocket: server.WebSocket, clock, connectTimeout: 1, minDelay: 1000, jitter: 'none', lifecycleEvents: null });
    const errors: string[] = [];
    ws.onerror = (e) => errors.push(e.error.code);
    clock.advance(0);
    expect(ws.readyState).toBe(1);
    server.drop();
    clock.advance(60_000); // the retry at 1000 ms opens at once; its 1 ms timeout never fires
    expect(ws.readyState).toBe(1);
    expect(errors).toEqual([]);
    expect(ws.stats.reconnects).toBe(1);
    ws.close();
  });

  it('a ping sent in an advance reaches the server, and its answer the client, before the timeout', () => {
    const server = createTestServer('ws://test/');
    const clock = createTestClock({ autoRun: false });
    const ws = new SteadySocket('ws://test/', { WebSocket: server.WebSocket, clock, heartbeat: { interval: 1000, timeout: 1 }, lifecycleEvents: null });
    const closes: number[] = [];
    ws.onclose = (e) => closes.push(e.code);
    ws.onerror = () => {}; // the HEARTBEAT_TIMEOUT at the end
    server.reply((data) => (data === 'ping' ? 'pong' : undefined));
    clock.advance(60 * 60_000); // 3600 pings, each answered at once
    expect(closes).toEqual([]);
    expect(server.received).toHaveLength(3600);
    expect(ws.stats.rtt).toBe(0);
    server.reply(null);
    clock.advance(1000 + 1);
    expect(closes).toEqual([4000]);
    ws.close();
  });

  it('with autoRun, a socket connects without any advance', async () => {
    const server = createTestServer('ws://test/');
    const ws = new SteadySocket('ws://test/', { WebSocket: server.WebSocket, clock: createTestClock(), lifecycleEvents: null });
    await server.connected();
    expect(ws.readyState).toBe(1);
    ws.close();
  });
});
