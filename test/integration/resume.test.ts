/**
 * `resume: true` against servers that do not speak the session protocol (API.md §8,
 * negotiated): the socket works as a plain WebSocket, says so once, and writes nothing foreign.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { echo, TestServer, until } from './server';
import { later, wsServer } from '../server/helpers';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

function client(url: string, options: SteadySocketOptions = {}) {
  const socket = new SteadySocket(url, { WebSocket, resume: true, minDelay: 10, maxDelay: 50, ...options });
  later(() => socket.close());
  const seen = { errors: [] as string[], opens: [] as boolean[], echoes: [] as unknown[] };
  socket.on('error', (e) => seen.errors.push(e.error.code));
  socket.on('open', (e) => seen.opens.push(e.resumed));
  socket.on('message', (e) => seen.echoes.push(e.data));
  return { socket, seen };
}

describe('resume against a plain server', () => {
  it('a plain ws echo server receives exactly the bytes sent; RESUME_UNSUPPORTED once, across reconnects', async () => {
    const server = await new TestServer(echo).start();
    servers.push(server);
    const { socket, seen } = client(server.url);
    socket.binaryType = 'arraybuffer';
    socket.send('hello');
    socket.send(new Uint8Array([1, 2, 3]));
    await until(() => seen.echoes.length === 2, 3000, 'the echoes');
    expect(server.received).toEqual(['hello', Buffer.from([1, 2, 3])]);
    expect(seen.echoes[0]).toBe('hello');
    expect([...new Uint8Array(seen.echoes[1] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(socket.protocol).toBe('');

    await server.restart();
    await until(() => seen.opens.length === 2 && socket.readyState === 1, 3000, 'the reconnect');
    socket.send('again');
    await until(() => server.received.length === 3, 3000, 'the third');
    expect(server.received[2]).toBe('again');
    expect(seen.opens).toEqual([false, false]);
    expect(seen.errors).toEqual(['RESUME_UNSUPPORTED']);
    expect(socket.stats.unacked).toBe(0);
  });

  it("keeps the user's subprotocol with a server that picks it", async () => {
    const { wss, url } = await wsServer({ handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    const received: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (d) => received.push(String(d))));
    const { socket, seen } = client(url, { protocols: ['chat'] });
    socket.send('x');
    await until(() => received.length === 1, 3000, 'the message');
    expect(socket.protocol).toBe('chat');
    expect(received).toEqual(['x']);
    expect(seen.errors).toEqual(['RESUME_UNSUPPORTED']);
  });

  it('falls back at once when the server chooses no subprotocol (which the ws client refuses)', async () => {
    const { wss, url } = await wsServer({ handleProtocols: () => false });
    const received: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (d) => received.push(String(d))));
    const { socket, seen } = client(url, { minDelay: 5000, maxDelay: 5000 });
    socket.send('x');
    // Well within the 5 s backoff: the retry after falling back does not wait.
    await until(() => received.length === 1, 2000, 'the message');
    expect(received).toEqual(['x']);
    expect(seen.errors.filter((c) => c === 'RESUME_UNSUPPORTED')).toHaveLength(1);
  });
});
