import { describe, expect, it } from 'vitest';
import { DRAIN_POLL_MS } from '../../src/socket/outbox';
import { fakeSocket } from '../helpers/setup';

/** A socket with every `queue` event recorded as `length/bytes`. */
function recorded(options: Parameters<typeof fakeSocket>[0] = {}) {
  const made = fakeSocket(options, undefined, false);
  const events: string[] = [];
  made.socket.on('queue', (e) => {
    // The event and the stats agree when it is delivered.
    expect([e.length, e.bytes]).toEqual([made.socket.stats.queued, made.socket.stats.queuedBytes]);
    events.push(`${e.length}/${e.bytes}`);
  });
  return { ...made, events };
}

describe("'queue' event", () => {
  it('fires when a send waits, and once when the open flushes the queue', () => {
    const { socket, start, native, events } = recorded();
    socket.send('ab');
    socket.send('cde');
    expect(events).toEqual(['1/2', '2/5']);
    start();
    native().serverOpen();
    expect(native().sent).toEqual(['ab', 'cde']);
    expect(events).toEqual(['1/2', '2/5', '0/0']);
  });

  it('stays silent for a message written straight through', () => {
    const { socket, start, native, events } = recorded();
    start();
    native().serverOpen();
    socket.send('x');
    expect(native().sent).toEqual(['x']);
    expect(events).toEqual([]);
  });

  it('reports drainQueuedMessages() and a drop-oldest overflow as one change each', () => {
    const { socket, events } = recorded({ queue: { maxMessages: 2, overflow: 'drop-oldest' } });
    socket.on('drop', () => {});
    socket.send('a');
    socket.send('b');
    socket.send('c'); // evicts 'a' and queues 'c' in one operation: the length stays 2
    expect(events).toEqual(['1/1', '2/2']);
    socket.send('dd'); // same length, more bytes
    expect(events).toEqual(['1/1', '2/2', '2/3']);
    expect(socket.drainQueuedMessages()).toEqual(['c', 'dd']);
    expect(events).toEqual(['1/1', '2/2', '2/3', '0/0']);
  });

  it('reports what the drain poll writes, once per poll', () => {
    const { socket, clock, start, native, events } = recorded({ queue: { highWaterMark: 10 } });
    start();
    native().serverOpen();
    native().bufferedAmount = 100; // above the high-water mark: sends wait
    socket.send('1');
    socket.send('2');
    socket.send('3');
    expect(events).toEqual(['1/1', '2/2', '3/3']);
    native().bufferedAmount = 0;
    clock.advance(DRAIN_POLL_MS);
    expect(native().sent).toEqual(['1', '2', '3']);
    expect(events).toEqual(['1/1', '2/2', '3/3', '0/0']);
  });

  it('reports expiry and the final close', () => {
    const { socket, clock, events } = recorded({ queue: { maxAge: 1000 } });
    socket.on('drop', () => {});
    socket.send('old');
    clock.advance(500);
    socket.send('new');
    clock.advance(600); // 'old' expires
    expect(events).toEqual(['1/3', '2/6', '1/3']);
    socket.close();
    expect(events).toEqual(['1/3', '2/6', '1/3', '0/0']);
  });

  it('builds no event for nobody, yet reports the right change to a listener added later', () => {
    const { socket, events } = recorded();
    socket.removeAllListeners('queue');
    socket.send('a');
    socket.drainQueuedMessages();
    socket.on('queue', (e) => events.push(`${e.length}/${e.bytes}`));
    socket.send('b');
    expect(events).toEqual(['1/1']);
  });
});
