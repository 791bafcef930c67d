/**
 * The drop-in surface against mock-socket's WebSocket and Server: a second, independent
 * WebSocket implementation with DOM-style events. Backoff runs on the manual clock.
 */
import { Server, WebSocket as MockWebSocket } from 'mock-socket';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SteadySocket } from '../../src/socket/index';
import { ManualClock } from '../helpers/manual-clock';

const URL = 'ws://mock.test/feed';
let server: Server;

afterEach(() => server?.stop());

function make() {
  const clock = new ManualClock();
  const socket = new SteadySocket(URL, { WebSocket: MockWebSocket, clock, jitter: 'none', lifecycleEvents: null });
  clock.advance(0); // the first attempt starts after the task that made the socket
  return { socket, clock };
}

describe('with mock-socket', () => {
  it('echoes text and binary, and closes 0 → 1 → 3', async () => {
    server = new Server(URL);
    server.on('connection', (s) => s.on('message', (data) => s.send(data)));
    const { socket, clock } = make();
    const states: number[] = [socket.readyState];
    const received: unknown[] = [];
    socket.onopen = () => states.push(socket.readyState);
    socket.onmessage = (e) => received.push(e.data);
    socket.send('queued before open');
    await vi.waitFor(() => expect(socket.readyState).toBe(1));
    socket.send('after open');
    await vi.waitFor(() => expect(received).toEqual(['queued before open', 'after open']));
    socket.onclose = (e) => states.push(socket.readyState, e.code);
    socket.close(1000, 'bye');
    await vi.waitFor(() => expect(states).toEqual([0, 1, 3, 1000]));
    expect(clock.pending).toBe(0);
  });

  it('a server close with 1008 is final', async () => {
    server = new Server(URL);
    server.on('connection', (s) => s.close({ code: 1008, reason: 'forbidden', wasClean: true }));
    const { socket, clock } = make();
    const errors: string[] = [];
    socket.onerror = (e) => errors.push(e.error.code);
    await vi.waitFor(() => expect(socket.readyState).toBe(3));
    expect(errors).toEqual(['POLICY_VIOLATION']);
    expect(clock.pending).toBe(0);
  });

  it('reconnects when the server comes back', async () => {
    server = new Server(URL);
    const { socket, clock } = make();
    await vi.waitFor(() => expect(socket.readyState).toBe(1));
    server.close({ code: 1001, reason: 'going away', wasClean: true });
    await vi.waitFor(() => expect(socket.connectionState).toBe('reconnecting'));
    server = new Server(URL);
    clock.runNext();
    await vi.waitFor(() => expect(socket.readyState).toBe(1));
    expect(socket.stats.reconnects).toBe(1);
    socket.close();
  });
});
