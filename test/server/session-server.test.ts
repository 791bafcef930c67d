/** The reference server, spoken to by hand (raw `ws` clients) and by SteadySocket. */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket } from '../../src/socket/index';
import { until } from '../integration/server';
import { HELLO, later, rawClient, sessionServer, welcomeOf } from './helpers';

describe('SessionServer: the handshake', () => {
  it('chooses the session protocol, welcomes a hello with a new session, and emits `session`', async () => {
    const { url, sessions } = await sessionServer({ sessionTtl: 5000 });
    const client = await rawClient(url, ['steadysocket', 'steadysocket.1']);
    expect(client.ws.protocol).toBe('steadysocket.1');
    client.ws.send(HELLO);
    await until(() => client.frames.length === 1, 2000, 'the welcome');
    const welcome = welcomeOf(client.frames);
    expect(welcome).toMatchObject({ resumed: false, received: 0, ttl: 5000 });
    expect(welcome.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.id).not.toContain(welcome.session);
  });

  it("keeps the user's own subprotocol inside ours", async () => {
    const { url } = await sessionServer({}, { handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    const client = await rawClient(url, ['chat', 'steadysocket.1+chat']);
    expect(client.ws.protocol).toBe('steadysocket.1+chat');
    const plain = await rawClient(url, ['chat']);
    expect(plain.ws.protocol).toBe('chat');
  });

  it.each([
    ['a data frame first', 'Dhello'],
    ['bad JSON', 'H{"v":1,'],
    ['another version', 'H{"v":2,"window":{"messages":1,"bytes":1}}'],
    ['no window', 'H{"v":1}'],
  ])('closes 4010 on a bad first frame: %s', async (_, frame) => {
    const { url, sessions } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send(frame);
    await until(() => client.closed.code !== undefined, 2000, 'the close');
    expect(client.closed.code).toBe(4010);
    expect(sessions).toHaveLength(0);
  });

  it('closes 4013 when no hello comes in time', async () => {
    const { url } = await sessionServer({ helloTimeout: 50 });
    const client = await rawClient(url);
    await until(() => client.closed.code !== undefined, 2000, 'the close');
    expect(client.closed.code).toBe(4013);
  });

  it('refuses a new session past maxSessions with 1013', async () => {
    const { url } = await sessionServer({ maxSessions: 1 });
    const first = await rawClient(url);
    first.ws.send(HELLO);
    await until(() => first.frames.length === 1, 2000, 'the welcome');
    const second = await rawClient(url);
    second.ws.send(HELLO);
    await until(() => second.closed.code !== undefined, 2000, 'the refusal');
    expect(second.closed.code).toBe(1013);
  });
});

describe('SessionServer: resuming', () => {
  it('resumes with the token, resends what was not acknowledged, rotates the token, and closes the stale connection 4012', async () => {
    const { url, sessions } = await sessionServer();
    const first = await rawClient(url);
    first.ws.send(HELLO);
    await until(() => sessions.length === 1, 2000, 'the session');
    const session = sessions[0]!;
    const got: string[] = [];
    session.on('message', (d) => got.push(String(d)));
    for (const text of ['a', 'b', 'c']) session.send(text);
    first.ws.send('Dx');
    first.ws.send('A1'); // only 'a' arrived
    await until(() => got.length === 1 && session.unacked === 2, 2000, 'the ack');
    const token = welcomeOf(first.frames).session;

    const second = await rawClient(url);
    second.ws.send(`H{"v":1,"window":{"messages":100,"bytes":100000},"session":"${token}","received":1}`);
    await until(() => second.frames.length === 3 && first.closed.code !== undefined, 2000, 'the resume');
    expect(first.closed.code).toBe(4012);
    const welcome = welcomeOf(second.frames);
    expect(welcome).toMatchObject({ resumed: true, received: 1 });
    expect(welcome.session).not.toBe(token);
    expect(second.frames.slice(1)).toEqual(['Db', 'Dc']);
    expect(sessions).toHaveLength(1);

    // The old token stays valid until the client shows it has the new one (a welcome can be
    // lost with its connection); its first frame after the welcome does.
    second.ws.send('A3');
    await until(() => session.unacked === 0, 2000, 'the ack');
    // Now the old token is worth nothing: it starts a new session.
    const third = await rawClient(url);
    third.ws.send(`H{"v":1,"window":{"messages":100,"bytes":100000},"session":"${token}","received":0}`);
    await until(() => third.frames.length === 1, 2000, 'the welcome');
    expect(welcomeOf(third.frames).resumed).toBe(false);
    expect(sessions).toHaveLength(2);
  });

  it('refuses a resume that claims more than the server sent (4010), and a forged token resumes nothing', async () => {
    const { url, sessions } = await sessionServer();
    const first = await rawClient(url);
    first.ws.send(HELLO);
    await until(() => first.frames.length === 1, 2000, 'the welcome');
    const token = welcomeOf(first.frames).session;
    const greedy = await rawClient(url);
    greedy.ws.send(`H{"v":1,"window":{"messages":100,"bytes":100000},"session":"${token}","received":5}`);
    await until(() => greedy.closed.code !== undefined, 2000, 'the close');
    expect(greedy.closed.code).toBe(4010);
    const forged = await rawClient(url);
    forged.ws.send(`H{"v":1,"window":{"messages":100,"bytes":100000},"session":"${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}","received":0}`);
    await until(() => forged.frames.length === 1, 2000, 'the welcome');
    expect(welcomeOf(forged.frames).resumed).toBe(false);
    expect(sessions).toHaveLength(2);
  });

  it('ends a session sessionTtl after its connection, reporting what the client never acknowledged', async () => {
    const { url, sessions, server } = await sessionServer({ sessionTtl: 100 });
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => sessions.length === 1, 2000, 'the session');
    const session = sessions[0]!;
    const drops: string[] = [];
    session.on('drop', (data, reason) => drops.push(`${String(data)}:${reason}`));
    let ended = false;
    session.on('close', () => (ended = true));
    session.send('lost?');
    client.ws.terminate();
    await until(() => ended, 2000, 'the expiry');
    expect(drops).toEqual(['lost?:unconfirmed']);
    expect(server.store.size).toBe(0);
    expect(session.send('late')).toBe(false);
  });

  it("ends the session at the client's goodbye, acknowledging what it received", async () => {
    const { url, sessions, server } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => sessions.length === 1, 2000, 'the session');
    let ended = false;
    sessions[0]!.on('close', () => (ended = true));
    client.ws.send('Dlast');
    client.ws.send('B');
    await until(() => ended, 2000, 'the end');
    await until(() => client.frames.includes('A1'), 2000, 'the final ack');
    expect(server.store.size).toBe(0);
  });
});

describe('SessionServer: data, acks and bounds', () => {
  it('acknowledges at once when half the peer window is unacknowledged, else within 200 ms', async () => {
    const { url } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send('H{"v":1,"window":{"messages":4,"bytes":100000}}');
    await until(() => client.frames.length === 1, 2000, 'the welcome');
    client.ws.send('D1');
    client.ws.send('D2');
    await until(() => client.frames.includes('A2'), 2000, 'an ack at half the window');
    client.ws.send('D3');
    const sent = Date.now();
    await until(() => client.frames.includes('A3'), 2000, 'the delayed ack');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(150);
  });

  it('frames binary both ways with the byte 0x44', async () => {
    const { url, sessions } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => sessions.length === 1, 2000, 'the session');
    const got: [string, boolean][] = [];
    sessions[0]!.on('message', (d, isBinary) => got.push([isBinary ? (d as Buffer).toString('hex') : String(d), isBinary]));
    client.ws.send(Buffer.from([0x44, 1, 2, 3]));
    sessions[0]!.send(new Uint8Array([9, 8]));
    await until(() => got.length === 1 && client.frames.length === 2, 2000, 'both frames');
    expect(got).toEqual([['010203', true]]);
    expect(client.frames[1]).toBe('0x440908');
    client.ws.send(Buffer.from([0x00, 1]));
    await until(() => client.closed.code !== undefined, 2000, 'the close');
    expect(client.closed.code).toBe(4010);
  });

  it('answers pings; closes 4010 on an ack of more than it sent', async () => {
    const { url } = await sessionServer();
    const client = await rawClient(url);
    client.ws.send(HELLO);
    client.ws.send('Pabc');
    await until(() => client.frames.includes('Qabc'), 2000, 'the pong');
    client.ws.send('A3');
    await until(() => client.closed.code !== undefined, 2000, 'the close');
    expect(client.closed.code).toBe(4010);
  });

  it('stops at its window while the client does not acknowledge, holds the rest, and drops past maxQueued', async () => {
    const { url, sessions } = await sessionServer({ maxMessages: 3, maxQueued: { messages: 2, bytes: 1000 } });
    const client = await rawClient(url);
    client.ws.send(HELLO);
    await until(() => sessions.length === 1, 2000, 'the session');
    const session = sessions[0]!;
    const drops: string[] = [];
    session.on('drop', (data, reason) => drops.push(`${String(data)}:${reason}`));
    const results = ['1', '2', '3', '4', '5', '6'].map((t) => session.send(t));
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(drops).toEqual(['6:overflow']);
    await until(() => client.frames.length === 4, 2000, 'the window');
    expect(session.unacked).toBe(3);
    expect(session.queued).toBe(2);
    client.ws.send('A3');
    await until(() => client.frames.length === 6, 2000, 'the rest');
    expect(client.frames.slice(1)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5']);
  });
});

describe('SessionServer: plain clients', () => {
  it('gives a plain client a session that is not resumable, answers its text heartbeat, and ends with it', async () => {
    const { url, sessions } = await sessionServer();
    const ws = new SteadySocket(url, { WebSocket, heartbeat: { interval: 30, timeout: 500 } });
    later(() => ws.close());
    const rtts: number[] = [];
    ws.on('heartbeat', (e) => rtts.push(e.rtt));
    await until(() => sessions.length === 1 && rtts.length > 0, 2000, 'a heartbeat');
    const session = sessions[0]!;
    expect(session.resumable).toBe(false);
    const got: string[] = [];
    session.on('message', (d) => got.push(String(d)));
    ws.send('hi');
    await until(() => got.length === 1, 2000, 'the message');
    expect(got).toEqual(['hi']);
    let ended = false;
    session.on('close', () => (ended = true));
    ws.close();
    await until(() => ended, 2000, 'the end');
  });
});
