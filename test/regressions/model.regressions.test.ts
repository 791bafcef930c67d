/**
 * Defects the model-based test (test/steady-socket.model.test.ts) and the property tests
 * found; each case is the shrunk counterexample, failed before its fix, and stays here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { channels } from '../../src/channels/index';
import type { DropReason } from '../../src/socket/outbound-queue';
import { Outbox } from '../../src/socket/outbox';
import type { OutboundData } from '../../src/socket/data';
import { FakeSocket } from '../helpers/fake-socket';
import { fakeSocket, settle } from '../helpers/setup';
import { ManualClock } from '../helpers/manual-clock';

afterEach(() => FakeSocket.reset());

type Api = { echo: { request: string; reply: string }; chat: { receive: string; send: string } };

describe('found by the model-based test', () => {
  it('queue.maxAge holds for messages behind a request resent at the front after a reconnect', async () => {
    // Shrunk: open, an idempotent request written, the native buffer above the high-water
    // mark, a channel message queued, then the heartbeat declares the connection dead: the
    // request goes back to the front of the queue, younger than the message behind it.
    // The expiry timer only looked at the front, so the message outlived maxAge by 1.5 s.
    const { socket, clock, native } = fakeSocket({
      heartbeat: { interval: 1000, timeout: 500 },
      queue: { maxAge: 1500, highWaterMark: 0 },
    });
    const api = channels<Api>(socket, { clock });
    const drops: [OutboundData, DropReason][] = [];
    socket.on('drop', (e) => drops.push([e.data, e.reason]));
    native().serverOpen();
    clock.advance(1);
    void api.request('echo', 'q', { timeout: 1500, idempotent: true }).catch(() => {});
    native().bufferedAmount = 50;
    api.channel('chat').send('m0');
    clock.advance(1500); // the heartbeat gives up at 1500; m0 is 1500 ms old at 1501
    await settle();
    expect(drops).toContainEqual(['{"channel":"chat","data":"m0"}', 'expired']);
    socket.close();
  });

  it('Outbox: an entry pushed at the front does not shield older ones behind it from expiry', () => {
    const clock = new ManualClock();
    const drops: [OutboundData, DropReason][] = [];
    const sink = { _dropped: (data: OutboundData, reason: DropReason) => void drops.push([data, reason]), _operation: <T>(change: () => T) => change() };
    const queue = new Outbox({ maxMessages: 10, maxBytes: 100, overflow: 'reject', maxAge: 1000, highWaterMark: 0 }, clock, sink, null);
    queue.send('old', {});
    clock.advance(600);
    queue.send('resent', { front: true });
    clock.advance(400);
    expect(drops).toEqual([['old', 'expired']]);
    expect(queue._length).toBe(1);
    clock.advance(600);
    expect(drops).toEqual([['old', 'expired'], ['resent', 'expired']]);
    expect(clock.pending).toBe(0);
  });
});
