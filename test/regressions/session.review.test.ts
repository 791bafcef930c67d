/**
 * What a review of the session code (issue 15) reproduced, each fixed and kept here as a
 * regression test: server-side first (real `ws` connections spoken to by hand), then the
 * client on the scripted socket.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket, type WebSocketConstructor } from '../../src/socket/index';
import { sessionRig as session, welcome } from '../helpers/session';
import { until } from '../integration/server';
import { HELLO, later, rawClient, sessionServer, welcomeOf } from '../server/helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const resumeHello = (token: string, received: number) => `H{"v":1,"window":{"messages":100,"bytes":100000},"session":"${token}","received":${received}}`;

describe('server: a connection the session moved away from', () => {
  async function takenOver() {
    const { url, sessions } = await sessionServer({ sessionTtl: 5000 });
    const c1 = await rawClient(url);
    c1.ws.send(HELLO);
    await until(() => c1.frames.length === 1, 2000, 'welcome 1');
    c1.ws.pause(); // it cannot read its 4012, and writes on
    return { url, sessions, c1, token: welcomeOf(c1.frames).session };
  }

  it('delivers nothing from it: a message resent on the new one arrives once', async () => {
    const { url, sessions, c1, token } = await takenOver();
    const got: string[] = [];
    sessions[0]!.on('message', (d) => got.push(String(d)));
    const c2 = await rawClient(url);
    c2.ws.send(resumeHello(token, 0));
    await until(() => c2.frames.length === 1, 2000, 'welcome 2');
    c1.ws.send('Dx');
    await sleep(100);
    c2.ws.send('Dx');
    await sleep(200);
    expect(got).toEqual(['x']);
  });

  it('a goodbye on it does not end the resumed session, nor an old ack break the new connection', async () => {
    const { url, sessions, c1, token } = await takenOver();
    sessions[0]!.send('one');
    const c2 = await rawClient(url);
    c2.ws.send(resumeHello(token, 0));
    await until(() => c2.frames.length === 2, 2000, 'welcome 2 and the resend');
    let closed = false;
    sessions[0]!.on('close', () => (closed = true));
    c1.ws.send('A1');
    c1.ws.send('B');
    await sleep(200);
    expect(closed).toBe(false);
    expect(c2.closed.code).toBeUndefined();
  });
});

describe('server: the handshake', () => {
  it("survives a user's handleProtocols that returns undefined for a client offering only steadysocket.1", async () => {
    const { url } = await sessionServer({}, { handleProtocols: (p: Set<string>) => p.values().next().value as string });
    const ws = new WebSocket(url, ['steadysocket.1']);
    later(() => ws.terminate());
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve(`open:${ws.protocol}`));
      ws.on('error', (e) => resolve(`error:${e.message}`));
    });
    expect(outcome).toBe('open:steadysocket.1');
  });

  it('keeps the token a lost welcome carried the old way valid: a reconnect during the welcome wait resumes', async () => {
    const { url } = await sessionServer({ sessionTtl: 10_000 });
    let hellos = 0;
    let socket!: SteadySocket;
    class Hooked extends WebSocket {}
    const send = WebSocket.prototype.send;
    Hooked.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
      (send as (...args: unknown[]) => void).call(this, data, ...rest);
      if (typeof data === 'string' && data.startsWith('H') && ++hellos === 2) queueMicrotask(() => socket.reconnect());
    } as WebSocket['send'];
    socket = new SteadySocket(url, { WebSocket: Hooked as unknown as WebSocketConstructor, resume: true, minDelay: 10, maxDelay: 10 });
    later(() => socket.close());
    const opens: boolean[] = [];
    socket.addEventListener('open', (e) => opens.push(e.resumed));
    await until(() => opens.length === 1, 3000, 'open 1');
    socket.send('a');
    socket.reconnect();
    await until(() => opens.length === 2, 3000, 'open 2');
    expect(opens).toEqual([false, true]);
  });

  it('a session closed by a `session` listener sends no welcome, closes with its code and delivers nothing', async () => {
    const { server, url } = await sessionServer();
    const delivered: string[] = [];
    server.on('session', (s) => {
      s.on('message', (d) => delivered.push(String(d)));
      s.close(4001, 'not allowed');
    });
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => client.closed.code !== undefined, 2000, 'the close');
    expect(client.frames.filter((f) => f.startsWith('W'))).toEqual([]);
    expect(client.closed.code).toBe(4001);
    expect(delivered).toEqual([]);
  });

  it('closes 4010 on a binary first frame, and on a hello over 4096 bytes', async () => {
    const { url } = await sessionServer({ helloTimeout: 5000 });
    const binary = await rawClient(url);
    binary.ws.send(Buffer.from([1, 2, 3]));
    const big = await rawClient(url);
    big.ws.send(`H{"v":1,"window":{"messages":100,"bytes":100000},"pad":"${'é'.repeat(3000)}"}`);
    await until(() => binary.closed.code !== undefined && big.closed.code !== undefined, 2000, 'the closes');
    expect([binary.closed.code, big.closed.code]).toEqual([4010, 4010]);
  });

  it('reads nothing more from a connection whose hello it refused', async () => {
    const { url, sessions, server } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send('Hjunk');
    client.ws.send(HELLO);
    await sleep(200);
    expect(sessions).toHaveLength(0);
    expect(server.store.size).toBe(0);
  });

  it("emits a plain client's session before its attach", async () => {
    const { server, url } = await sessionServer();
    const attached: boolean[] = [];
    server.on('session', (s) => s.on('attach', (resumed) => attached.push(resumed)));
    await rawClient(url, []);
    await until(() => attached.length === 1, 2000, 'attach');
    expect(attached).toEqual([false]);
  });
});

describe('server: Session.close()', () => {
  it("counts the client's answer to the goodbye: nothing it acknowledged is reported unconfirmed", async () => {
    const { server, url } = await sessionServer();
    const drops: string[] = [];
    server.on('session', (s) => {
      s.on('drop', (d, r) => drops.push(`${String(d)}:${r}`));
      s.on('message', () => {
        s.send('x');
        setTimeout(() => s.close(1000), 20);
      });
    });
    const ws = new SteadySocket(url, { WebSocket, resume: true, maxRetries: 0 });
    later(() => ws.close());
    const got: unknown[] = [];
    ws.addEventListener('message', (e) => got.push(e.data));
    ws.send('go');
    await until(() => got.length === 1 && ws.readyState === 3, 3000, 'x and the close');
    expect(drops).toEqual([]);
  });

  it('emits no message after close', async () => {
    const { server, url } = await sessionServer();
    const seen: string[] = [];
    let session!: Parameters<Parameters<typeof server.on<'session'>>[1]>[0];
    server.on('session', (s) => {
      session = s;
      s.on('message', (d) => seen.push(`message:${d}`));
      s.on('close', () => seen.push('close'));
    });
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => client.frames.length === 1, 2000, 'welcome');
    client.ws.pause();
    session.close(1000);
    client.ws.send('Dlate');
    client.ws.terminate();
    await until(() => seen.includes('close'), 2000, 'the end');
    expect(seen).toEqual(['close']);
  });
});

describe('client', () => {
  it('a drop listener that calls reconnect() during a welcome leaves a consistent socket', () => {
    const { socket, native, connect, clock } = session();
    connect(welcome({ session: 'T1' }));
    socket.send('a');
    native().serverClose(1006);
    clock.advance(1000);
    let once = true;
    socket.addEventListener('drop', () => {
      if (once) {
        once = false;
        socket.reconnect();
      }
    });
    native().serverOpen('steadysocket.1');
    native().serverMessage(welcome({ session: 'T2', resumed: false }));
    const third = native();
    const stateThen = socket.readyState;
    third.serverOpen('steadysocket.1');
    socket.send('z');
    // The welcome is handled whole before any listener runs: the session it started goes on.
    expect({ stateThen, sent: third.sent }).toEqual({ stateThen: 0, sent: ['H{"v":1,"window":{"messages":3,"bytes":100},"session":"T2","received":0}'] });
  });

  it('close() writes no more than the window allows; the rest is dropped as closed', () => {
    const { socket, native, connect, log } = session();
    connect();
    for (const t of ['1', '2', '3', '4', '5']) socket.send(t);
    socket.close();
    expect(native().sent.slice(1)).toEqual(['D1', 'D2', 'D3', 'B']);
    expect(log().filter((e) => e === 'drop:closed')).toHaveLength(2);
  });

  it('an unconfirmed drop hands back the type that was sent', () => {
    const { socket, native, connect, clock, events } = session();
    connect(welcome({ session: 'T1' }));
    socket.send(new Uint8Array([1, 2, 3]).buffer);
    native().serverClose(1006);
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    native().serverMessage(welcome({ session: 'T2', resumed: false }));
    const drop = events.find((e) => e.type === 'drop')!.event as { data: unknown };
    expect(drop.data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(drop.data as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it('bufferedAmount counts what is unacknowledged, and what is queued, in UTF-8 bytes', () => {
    const { socket, native, connect } = session();
    connect();
    socket.send('€€€'); // written, unacknowledged
    native().bufferedAmount = 0;
    expect(socket.bufferedAmount).toBe(9);
    for (const t of ['1', '2']) socket.send(t); // the window (3 messages) is full
    socket.send('€'); // queued
    expect(socket.bufferedAmount).toBe(9 + 2 + 3);
  });

  it('closes with 4010 when the server breaks the protocol', () => {
    const { native, connect } = session();
    connect();
    const ws = native();
    ws.serverMessage('Zzz');
    expect(ws.closeCalls[0]?.code).toBe(4010);
  });

  it('keeps the token off the session object (a logged socket shows no secret)', () => {
    const { socket, connect } = session();
    connect(welcome({ session: 'SECRET-TOKEN' }));
    const seen = new WeakSet();
    const json = JSON.stringify(socket, (_, v: unknown) => {
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    });
    expect(json).not.toContain('SECRET-TOKEN');
  });
});
