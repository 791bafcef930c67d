import { describe, expect, it } from 'vitest';
import { setup } from '../helpers/setup';
import type { FakeSocket } from '../helpers/fake-socket';

const welcome = (fields: Partial<{ session: string; resumed: boolean; received: number; messages: number; bytes: number }> = {}) =>
  `W${JSON.stringify({ v: 1, session: fields.session ?? 'tok1', resumed: fields.resumed ?? false, received: fields.received ?? 0, window: { messages: fields.messages ?? 10, bytes: fields.bytes ?? 1000 }, ttl: 1000 })}`;

function session(options: Parameters<typeof setup>[0] = {}) {
  const rig = setup({ resume: { maxMessages: 3, maxBytes: 100 }, ...options });
  const native = () => rig.native() as FakeSocket;
  const connect = (welcomeFrame = welcome()) => {
    native().serverOpen('steadysocket.1');
    native().serverMessage(welcomeFrame);
  };
  return { ...rig, connect, native };
}

describe('review: client', () => {
  it('BUG A (client): after a resume, data from the server is acknowledged within 200 ms', () => {
    const { native, connect, clock } = session();
    connect(welcome({ session: 'T1', messages: 10 }));
    native().serverMessage('D1'); // ack armed for 200 ms
    clock.advance(50);
    native().serverClose(1006); // dies before the ack
    clock.advance(1000);
    native().serverOpen('steadysocket.1');
    expect(native().sent[0]).toContain('"received":1');
    native().serverMessage(welcome({ session: 'T2', resumed: true, received: 0, messages: 10 }));
    native().serverMessage('D2');
    clock.advance(1000);
    expect(native().sent).toContain('A2'); // observed: no ack at all (until 5 frames arrive)
  });

  it('BUG E: close() writes queued messages past the window (PROTOCOL.md §5 MUST NOT)', () => {
    const { socket, native, connect } = session();
    connect();
    for (const t of ['1', '2', '3', '4', '5']) socket.send(t);
    expect(native().sent.slice(1)).toEqual(['D1', 'D2', 'D3']);
    socket.close();
    // window is 3 messages; nothing acknowledged: D4/D5 must not go out
    expect(native().sent.slice(1)).toEqual(['D1', 'D2', 'D3', 'B']);
  });

  it('BUG G: a drop listener that calls reconnect() during the welcome leaves the socket open on a CONNECTING native socket', () => {
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
    expect(third.readyState).toBe(0);
    // the socket should still be connecting (its native socket has not even opened)
    expect(socket.readyState).toBe(0);
  });

  it('BUG F (doc): on a protocol error the client closes with 4010 (PROTOCOL.md §8 "4010 | either")', () => {
    const { native, connect } = session();
    connect();
    const ws = native();
    ws.serverMessage('Zzz');
    expect(ws.closeCalls[0]?.code).toBe(4010);
  });
});
