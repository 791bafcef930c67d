/** The client side of the session protocol, on a scripted socket and a manual clock. */
import { describe, expect, it } from 'vitest';
import { sessionRig as session, welcome } from '../helpers/session';

describe('resume: negotiation', () => {
  it.each([
    [undefined, ['steadysocket', 'steadysocket.1']],
    ['chat', ['chat', 'steadysocket.1+chat']],
    [['a', 'b'], ['a', 'b', 'steadysocket.1+a', 'steadysocket.1+b']],
  ])('offers %j as %j', (protocols, offered) => {
    const { native } = session(protocols === undefined ? {} : { protocols });
    expect(native().protocols).toEqual(offered);
  });

  it('says hello, and is open only at the welcome', () => {
    const { socket, native, log } = session();
    native().serverOpen('steadysocket.1');
    expect(native().sent).toEqual(['H{"v":1,"window":{"messages":3,"bytes":100}}']);
    expect(socket.readyState).toBe(0);
    native().serverMessage(welcome());
    expect(socket.readyState).toBe(1);
    expect(log()).toContain('open');
  });

  it.each([
    ['no protocol', ''],
    ['the plain name', 'steadysocket'],
    ["the user's own", 'chat'],
  ])('works plain when the server chose %s: RESUME_UNSUPPORTED once, nothing foreign written', (_, chosen) => {
    const { socket, native, log, clock } = session();
    socket.send('hello');
    native().serverOpen(chosen);
    expect(socket.readyState).toBe(1);
    expect(native().sent).toEqual(['hello']);
    expect(socket.protocol).toBe(chosen === 'steadysocket' ? '' : chosen);
    native().serverClose(1006);
    clock.advance(1000);
    expect(native().protocols).toBeUndefined(); // not offered again
    native().serverOpen('');
    expect(log().filter((e) => e === 'error:RESUME_UNSUPPORTED')).toHaveLength(1);
  });

  it("retries at once, without offering, when the runtime refuses a server that chose no protocol (the ws package's check)", () => {
    const { native, log, clock } = session();
    const first = native();
    first.onerror?.call(first, { type: 'error', message: 'Server sent no subprotocol' } as never);
    first.serverClose(1006);
    clock.advance(0);
    expect(native()).not.toBe(first);
    expect(native().protocols).toBeUndefined();
    expect(log()).toContain('error:RESUME_UNSUPPORTED');
  });

  it("reports the user's subprotocol inside ours", () => {
    const { socket, connect } = session({ protocols: 'chat' });
    connect();
    expect(socket.protocol).toBe('');
    const { socket: other, native } = session({ protocols: 'chat' });
    native().serverOpen('steadysocket.1+chat');
    expect(other.protocol).toBe('chat');
  });
});

describe('resume: data and acknowledgements', () => {
  it('frames data, keeps it until acknowledged, and acknowledges what arrives after 200 ms', () => {
    const { socket, native, connect, clock, events } = session();
    connect();
    socket.send('a');
    socket.send(new Uint8Array([1, 2]));
    expect(native().sent.slice(1)).toEqual(['Da', new Uint8Array([0x44, 1, 2])]);
    expect(socket.stats.unacked).toBe(2);
    native().serverMessage('A1');
    expect(socket.stats.unacked).toBe(1);
    native().serverMessage('Dx');
    expect(events.filter((e) => e.type === 'message').map((e) => (e.event as { data: unknown }).data)).toEqual(['x']);
    clock.advance(199);
    expect(native().sent.at(-1)).not.toBe('A1');
    clock.advance(1);
    expect(native().sent.at(-1)).toBe('A1');
  });

  it("acknowledges at once at half the server's window", () => {
    const { native, connect } = session();
    connect(welcome({ messages: 4 }));
    native().serverMessage('D1');
    native().serverMessage('D2');
    expect(native().sent.at(-1)).toBe('A2');
  });

  it('strips the tag of binary data', () => {
    const { socket, native, connect, events } = session();
    connect();
    socket.binaryType = 'arraybuffer';
    native().serverMessage(new Uint8Array([0x44, 7, 8]).buffer);
    const data = events.filter((e) => e.type === 'message').map((e) => (e.event as { data: ArrayBuffer }).data)[0]!;
    expect([...new Uint8Array(data)]).toEqual([7, 8]);
  });

  it('frames every binary type with the tag byte, a view by its own bytes only', async () => {
    const { socket, native, connect } = session({ resume: { maxMessages: 10, maxBytes: 100 } });
    connect();
    socket.send(new Uint8Array([9, 1, 2, 9]).subarray(1, 3));
    socket.send(new Uint8Array([3]).buffer);
    socket.send(new DataView(new Uint8Array([9, 4, 5]).buffer, 1));
    socket.send(new Blob([new Uint8Array([6])]));
    const sent = native().sent.slice(1);
    expect(sent.slice(0, 3)).toEqual([new Uint8Array([0x44, 1, 2]), new Uint8Array([0x44, 3]), new Uint8Array([0x44, 4, 5])]);
    expect([...new Uint8Array(await (sent[3] as Blob).arrayBuffer())]).toEqual([0x44, 6]);
  });

  it.each([
    ['an ArrayBuffer', new Uint8Array([0x44, 7, 8]).buffer],
    ['a view into a larger buffer (a Node Buffer)', new Uint8Array([1, 0x44, 7, 8, 1]).subarray(1, 4)],
    ['a Blob', new Blob([new Uint8Array([0x44, 7, 8])])],
  ])('strips the tag of binary data in %s', async (_, frame) => {
    const { native, connect, events } = session();
    connect();
    native().serverMessage(frame);
    const data = events.filter((e) => e.type === 'message').map((e) => (e.event as { data: unknown }).data)[0];
    const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    expect([...bytes]).toEqual([7, 8]);
  });

  it.each([
    ['without the tag', new Uint8Array([7, 8]).buffer],
    ['empty', new ArrayBuffer(0)],
    ['as an empty view at the end of its buffer', new Uint8Array([0x44]).subarray(1)],
  ])('drops the connection on binary data %s', (_, frame) => {
    const { native, connect, log } = session();
    connect();
    native().serverMessage(frame);
    expect(log()).toContain('error:SESSION_PROTOCOL_ERROR');
  });

  it('stops writing at its window and goes on as acknowledgements come', () => {
    const { socket, native, connect } = session();
    connect();
    for (const text of ['1', '2', '3', '4', '5']) socket.send(text);
    expect(native().sent.slice(1)).toEqual(['D1', 'D2', 'D3']);
    expect(socket.stats).toMatchObject({ unacked: 3, queued: 2 });
    native().serverMessage('A2');
    expect(native().sent.slice(1)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5']);
  });

  it('answers pings, and pings with P when the heartbeat is on', () => {
    const { native, connect, clock, socket } = session({ heartbeat: { interval: 100, timeout: 50 } });
    connect();
    native().serverMessage('Pxyz');
    expect(native().sent.at(-1)).toBe('Qxyz');
    clock.advance(100);
    expect(native().sent.at(-1)).toBe('P');
    native().serverMessage('Q');
    expect(socket.stats.rtt).toBe(0);
    expect(socket.stats.messagesReceived).toBe(0);
  });
});

describe('resume: reconnecting', () => {
  it('resumes with the token and what it received, and resends only what the server did not get', () => {
    const { socket, native, connect, clock, events } = session();
    connect(welcome({ session: 'T1' }));
    socket.send('a');
    socket.send('b');
    native().serverMessage('D1');
    native().serverClose(1006);
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    expect(native().sent).toEqual(['H{"v":1,"window":{"messages":3,"bytes":100},"session":"T1","received":1}']);
    native().serverMessage(welcome({ session: 'T2', resumed: true, received: 1 }));
    expect(native().sent.slice(1)).toEqual(['Db']);
    const opens = events.filter((e) => e.type === 'open').map((e) => (e.event as { resumed: boolean }).resumed);
    expect(opens).toEqual([false, true]);
    expect(events.filter((e) => e.type === 'drop')).toEqual([]);
  });

  it('acknowledges again after a resume when an ack was owed at the drop (the hello acknowledged it)', () => {
    const { native, connect, clock } = session();
    connect();
    native().serverMessage('D1'); // an ack is owed, due in 200 ms
    native().serverClose(1006);
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    expect(native().sent[0]).toContain('"received":1');
    native().serverMessage(welcome({ session: 'T2', resumed: true, received: 0 }));
    native().serverMessage('D2');
    clock.advance(200);
    expect(native().sent.at(-1)).toBe('A2');
  });

  it('reports each unacknowledged message unconfirmed, once, when the server lost the session', () => {
    const { socket, native, connect, clock, log, events } = session();
    connect();
    socket.send('a');
    socket.send('b');
    native().serverClose(1006);
    socket.send('c'); // queued: never written, so it goes on the new session
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    native().serverMessage(welcome({ session: 'T2', resumed: false }));
    const drops = events.filter((e) => e.type === 'drop').map((e) => `${(e.event as { data: string }).data}:${(e.event as { reason: string }).reason}`);
    expect(drops).toEqual(['a:unconfirmed', 'b:unconfirmed']);
    expect(native().sent.slice(1)).toEqual(['Dc']);
    expect(log().indexOf('drop:unconfirmed')).toBeLessThan(log().lastIndexOf('open'));
  });

  it.each([
    ['an unknown frame', 'Zzz'],
    ['an empty frame', ''],
    ['an ack of more than was sent', 'A9'],
    ['a malformed ack', 'A01'],
    ['a bye with text', 'Bx'],
    ['a hello', 'H{"v":1,"window":{"messages":2,"bytes":1000}}'],
    ['a second welcome', welcome()],
    ['data before the welcome', 'Dx'],
    ['a ping before the welcome', 'P'],
    ['binary data before the welcome', new Uint8Array([0x44, 1]).buffer],
    ['a malformed welcome', 'W{"v":1,"session":"t","resumed":false,"received":0,"window":{"messages":1,"bytes":1}}'],
    ['a resume of a session it never had', welcome({ resumed: true })],
  ])('drops the connection on %s (SESSION_PROTOCOL_ERROR) and reconnects', (name, frame) => {
    const { native, log, clock } = session();
    native().serverOpen('steadysocket.1');
    if (!/before the welcome|a resume|malformed welcome/.test(name)) native().serverMessage(welcome());
    native().serverMessage(frame);
    expect(log()).toContain('error:SESSION_PROTOCOL_ERROR');
    expect(log()).toContain('close:4010:r');
    clock.advance(1000);
    expect(native().readyState).toBe(0);
  });

  it.each(['A0.5', 'A1.0', 'A-0', 'A+1', 'A 1', 'A1e0', 'A0x1', 'AInfinity', 'ANaN', 'A-1'])('drops the connection on the ack %j of what was written', (frame) => {
    const { socket, native, connect, log } = session();
    connect();
    socket.send('a');
    socket.send('b');
    native().serverMessage(frame);
    expect(log()).toContain('error:SESSION_PROTOCOL_ERROR');
    expect(socket.stats.unacked).toBe(2);
  });

  it('says goodbye on close(), and reports what stays unacknowledged at the final close', () => {
    const { socket, native, connect, log } = session();
    connect();
    socket.send('a');
    socket.close();
    expect(native().sent.slice(-1)).toEqual(['B']);
    native().serverClose(1000, '', true);
    expect(log()).toContain('drop:unconfirmed');
    expect(socket.stats.unacked).toBe(0);
  });

  it('starts a new session after close 4012 (the session was resumed elsewhere)', () => {
    const { socket, native, connect, clock, log } = session();
    connect();
    socket.send('a');
    native().serverClose(4012, 'session resumed elsewhere', true);
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    expect(native().sent[0]).toBe('H{"v":1,"window":{"messages":3,"bytes":100}}');
    expect(log()).toContain('drop:unconfirmed');
  });
});
