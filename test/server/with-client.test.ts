/** SteadySocket with `resume` and the SessionServer together, on real connections. */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type SteadySocketOptions } from '../../src/socket/index';
import { until } from '../integration/server';
import { later, sessionServer } from './helpers';

function client(url: string, options: SteadySocketOptions = {}) {
  const socket = new SteadySocket(url, { WebSocket, resume: true, minDelay: 10, maxDelay: 50, ...options });
  later(() => socket.close());
  const seen = { got: [] as unknown[], opens: [] as boolean[], drops: [] as string[], errors: [] as string[] };
  socket.on('message', (e) => seen.got.push(e.data));
  socket.on('open', (e) => seen.opens.push(e.resumed));
  socket.on('drop', (e) => seen.drops.push(`${String(e.data)}:${e.reason}`));
  socket.on('error', (e) => seen.errors.push(e.error.code));
  return { socket, seen };
}

describe('SteadySocket and SessionServer', () => {
  it('echo, reconnect() resumes the session, and close() ends it at once with nothing unconfirmed', async () => {
    const { server, url, sessions } = await sessionServer();
    server.on('session', (s) => s.on('message', (d) => s.send(`echo ${d}`)));
    const { socket, seen } = client(url);
    for (let i = 0; i < 5; i++) socket.send(`m${i}`);
    await until(() => seen.got.length === 5, 3000, 'echoes');
    expect(seen.got).toEqual(['echo m0', 'echo m1', 'echo m2', 'echo m3', 'echo m4']);
    socket.reconnect();
    await until(() => seen.opens.length === 2, 3000, 'the resume');
    expect(seen.opens).toEqual([false, true]);
    socket.send('after');
    await until(() => seen.got.length === 6, 3000, 'after');
    let ended = false;
    sessions[0]!.on('close', () => (ended = true));
    socket.close();
    await until(() => ended && socket.readyState === 3, 3000, 'the end');
    expect(seen.drops).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(sessions).toHaveLength(1);
  });

  it("binary both ways, and the user's subprotocol through the session", async () => {
    const { server, url } = await sessionServer({}, { handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    server.on('session', (s) => s.on('message', (d, isBinary) => s.send(isBinary ? Buffer.concat([d as Buffer, Buffer.from([0xff])]) : `echo ${d}`)));
    const { socket, seen } = client(url, { protocols: ['chat'] });
    socket.binaryType = 'arraybuffer';
    socket.send(new Uint8Array([1, 2]));
    socket.send(new Uint8Array([7, 8, 9]).subarray(1).buffer.slice(1));
    socket.send('text');
    await until(() => seen.got.length === 3, 3000, 'echoes');
    expect(socket.protocol).toBe('chat');
    expect(seen.got.slice(0, 2).map((d) => [...new Uint8Array(d as ArrayBuffer)])).toEqual([[1, 2, 0xff], [8, 9, 0xff]]);
    expect(seen.got[2]).toBe('echo text');
  });

  it('long messages (sent by the server in two fragments) arrive whole, text and binary, and are resent whole', async () => {
    const { url, sessions } = await sessionServer();
    const { socket, seen } = client(url);
    socket.binaryType = 'arraybuffer';
    await until(() => sessions.length === 1 && socket.readyState === 1, 3000, 'the session');
    const text = 'é'.repeat(10_000) + 'end';
    const bytes = Buffer.alloc(20_000, 7);
    sessions[0]!.send(text);
    sessions[0]!.send(bytes);
    await until(() => seen.got.length === 2, 3000, 'both');
    socket.reconnect(); // before any ack was written: the resume hello's count acknowledges both
    sessions[0]!.send('after');
    await until(() => seen.got.length === 3, 3000, 'the next, and nothing twice');
    expect(seen.got[0]).toBe(text);
    expect(Buffer.from(seen.got[1] as ArrayBuffer).equals(bytes)).toBe(true);
    expect(seen.got[2]).toBe('after');
    expect(seen.opens).toEqual([false, true]);
  });

  it('a message the server sends while the client is away arrives once, after the resume', async () => {
    const { url, sessions } = await sessionServer();
    const { socket, seen } = client(url);
    await until(() => sessions.length === 1 && socket.readyState === 1, 3000, 'the session');
    const session = sessions[0]!;
    socket.reconnect(); // the old connection goes; the server sends meanwhile
    session.send('while away');
    await until(() => seen.got.length === 1 && seen.opens.length === 2, 3000, 'the message');
    expect(seen.got).toEqual(['while away']);
    expect(seen.opens).toEqual([false, true]);
  });
});
