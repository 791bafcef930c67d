import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from './helpers/fake-socket';
import { setup } from './helpers/setup';

afterEach(() => FakeSocket.reset());

// Listener errors are reported asynchronously; collect them instead of failing the run.
function catchReported() {
  const reported: unknown[] = [];
  const onError = (error: unknown) => reported.push(error);
  process.on('uncaughtException', onError);
  return {
    reported,
    done: async () => {
      await new Promise<void>((r) => setImmediate(r));
      process.off('uncaughtException', onError);
    },
  };
}

describe('#addEventListener', () => {
  it('adds a listener once, however often it is added', () => {
    const { socket, native } = setup();
    let calls = 0;
    const listener = () => calls++;
    socket.addEventListener('open', listener);
    socket.addEventListener('open', listener);
    native().serverOpen();
    expect(calls).toBe(1);
  });

  it('accepts an object with handleEvent', () => {
    const { socket, native } = setup();
    const seen: string[] = [];
    const handler = { handleEvent: (e: { data: unknown }) => seen.push(String(e.data)) };
    socket.addEventListener('message', handler);
    native().serverOpen();
    native().serverMessage('x');
    socket.removeEventListener('message', handler);
    native().serverMessage('y');
    expect(seen).toEqual(['x']);
  });

  it('honours once and signal', () => {
    const { socket, native } = setup();
    const seen: string[] = [];
    const controller = new AbortController();
    socket.addEventListener('message', (e) => seen.push(`once:${String(e.data)}`), { once: true });
    socket.addEventListener('message', (e) => seen.push(`sig:${String(e.data)}`), { signal: controller.signal });
    native().serverOpen();
    native().serverMessage('a');
    controller.abort();
    native().serverMessage('b');
    expect(seen).toEqual(['once:a', 'sig:a']);
    expect(socket.listenerCount('message')).toBe(1); // the recorder from setup()
  });

  it('ignores an already aborted signal and a null listener', () => {
    const { socket } = setup();
    const before = socket.listenerCount('open');
    socket.addEventListener('open', () => {}, { signal: AbortSignal.abort() });
    socket.addEventListener('open', null);
    expect(socket.listenerCount('open')).toBe(before);
  });

  it('removeEventListener of an unknown listener is harmless', () => {
    const { socket } = setup();
    expect(() => socket.removeEventListener('close', () => {})).not.toThrow();
  });
});

describe('on* handlers', () => {
  it('run at the position where they were first set, and can be cleared', () => {
    const { socket, native } = setup();
    const order: string[] = [];
    socket.addEventListener('message', () => order.push('first'));
    socket.onmessage = () => order.push('handler');
    socket.addEventListener('message', () => order.push('last'));
    socket.onmessage = () => order.push('handler2'); // replaces in place
    native().serverOpen();
    native().serverMessage('m');
    socket.onmessage = null;
    native().serverMessage('m');
    expect(order).toEqual(['first', 'handler2', 'last', 'first', 'last']);
    expect(socket.onmessage).toBeNull();
  });

  it('a non-function handler counts as null', () => {
    const { socket } = setup();
    socket.onclose = 'nope' as never;
    expect(socket.onclose).toBeNull();
  });
});

describe('listener errors', () => {
  it('a throwing listener neither stops the others nor breaks the socket', async () => {
    const { socket, native, clock } = setup();
    const trap = catchReported();
    const seen: string[] = [];
    socket.onopen = () => {
      throw new Error('bug in onopen');
    };
    socket.addEventListener('open', () => seen.push('second listener ran'));
    native().serverOpen();
    native().serverClose(1006);
    await trap.done();
    expect(seen).toEqual(['second listener ran']);
    expect(trap.reported).toEqual([new Error('bug in onopen')]);
    expect(socket.connectionState).toBe('reconnecting');
    clock.runNext();
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('an eventemitter listener that throws is reported, the socket carries on', async () => {
    const { socket, native } = setup();
    const trap = catchReported();
    socket.on('message', () => {
      throw new Error('bug in on()');
    });
    native().serverOpen();
    expect(() => native().serverMessage('x')).not.toThrow();
    await trap.done();
    expect(trap.reported).toHaveLength(1);
    expect(socket.stats.messagesReceived).toBe(1);
  });
});
