import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../helpers/fake-socket';
import { setup } from '../helpers/setup';

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

  it('lets go of the signal when the listener is removed, by removeEventListener, once or the abort', () => {
    const { socket, native } = setup();
    const signals = [new AbortController(), new AbortController(), new AbortController()];
    const [removed, onced, aborted] = signals;
    const listener = () => {};
    socket.addEventListener('message', listener, { signal: removed!.signal });
    socket.addEventListener('open', () => {}, { signal: onced!.signal, once: true });
    socket.addEventListener('close', () => {}, { signal: aborted!.signal });
    expect(signals.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([1, 1, 1]);
    socket.removeEventListener('message', listener);
    native().serverOpen();
    aborted!.abort();
    expect(signals.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([0, 0, 0]);
  });

  it('takes true, false or null as the options, as the DOM does', () => {
    const { socket, native } = setup();
    let calls = 0;
    socket.addEventListener('open', () => calls++, true);
    socket.addEventListener('open', () => calls++, false);
    socket.addEventListener('open', () => calls++, null as never); // WebIDL reads null as {}
    native().serverOpen();
    expect(calls).toBe(3);
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

describe('listeners changed during dispatch, as in the DOM', () => {
  // What the DOM's EventTarget (Node's is the reference here) does with the same steps.
  function reference(steps: (target: EventTarget, log: string[]) => void): string[] {
    const target = new EventTarget();
    const log: string[] = [];
    steps(target, log);
    target.dispatchEvent(new Event('message'));
    target.dispatchEvent(new Event('message'));
    return log;
  }

  it.each([
    [
      'removed by an earlier listener',
      (t: EventTarget | SteadyLike, log: string[]) => {
        const b = () => log.push('B');
        t.addEventListener('message', () => (log.push('A'), t.removeEventListener('message', b)));
        t.addEventListener('message', b);
      },
    ],
    [
      'aborted by an earlier listener',
      (t: EventTarget | SteadyLike, log: string[]) => {
        const controller = new AbortController();
        t.addEventListener('message', () => (log.push('A'), controller.abort()));
        t.addEventListener('message', () => log.push('B'), { signal: controller.signal });
      },
    ],
    [
      'added with once, removed and added again by an earlier listener',
      (t: EventTarget | SteadyLike, log: string[]) => {
        const b = () => log.push('B');
        t.addEventListener('message', () => {
          log.push('A');
          t.removeEventListener('message', b);
          t.addEventListener('message', b, { once: true });
        });
        t.addEventListener('message', b, { once: true });
      },
    ],
  ])('a listener %s: runs as the DOM runs it', (_name, steps) => {
    const expected = reference(steps);
    const { socket, native } = setup();
    const log: string[] = [];
    steps(socket as unknown as SteadyLike, log);
    native().serverOpen();
    native().serverMessage('1');
    native().serverMessage('2');
    expect(log).toEqual(expected);
  });

  it('removeAllListeners(type) forgets on* handlers and DOM listeners, so setting them again works', () => {
    const { socket, native } = setup();
    const log: string[] = [];
    const listener = () => log.push('listener');
    socket.onopen = () => log.push('old handler');
    socket.addEventListener('open', listener);
    socket.removeAllListeners('open');
    socket.onopen = () => log.push('new handler');
    socket.addEventListener('open', listener);
    native().serverOpen();
    expect(log).toEqual(['new handler', 'listener']);
  });
});

/** The part of the DOM's surface the steps above use. */
interface SteadyLike {
  addEventListener(type: 'message', listener: () => void, options?: { once?: boolean; signal?: AbortSignal }): void;
  removeEventListener(type: 'message', listener: () => void): void;
}

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

  it('a throwing on() listener does not stop the listeners of any kind after it (issue 14)', async () => {
    const { socket, native } = setup();
    const trap = catchReported();
    const seen: string[] = [];
    socket.on('message', () => seen.push('on 1'));
    socket.on('message', () => {
      throw new Error('bug in on()');
    });
    socket.addEventListener('message', () => seen.push('addEventListener'));
    socket.onmessage = () => seen.push('onmessage');
    socket.once('message', () => seen.push('once'));
    socket.on('message', function (this: { tag: string }) {
      seen.push(`on with context ${this.tag}`);
    }, { tag: 'ctx' });
    native().serverOpen();
    native().serverMessage('a');
    native().serverMessage('b');
    await trap.done();
    expect(seen).toEqual([
      'on 1', 'addEventListener', 'onmessage', 'once', 'on with context ctx',
      'on 1', 'addEventListener', 'onmessage', 'on with context ctx',
    ]);
    expect(trap.reported).toHaveLength(2);
  });

  it('off() removes on() listeners by function, context and once, as eventemitter3 does', () => {
    const { socket, native } = setup();
    const seen: string[] = [];
    const a = () => seen.push('a');
    const ctx = {};
    const base = socket.listenerCount('message'); // setup()'s own recorder
    socket.on('message', a).on('message', a, ctx).once('message', a);
    expect(socket.listenerCount('message')).toBe(base + 3);
    socket.off('message', a, undefined, true); // only the once
    expect(socket.listenerCount('message')).toBe(base + 2);
    socket.off('message', a, ctx); // only the one with that context
    expect(socket.listeners('message').filter((l) => l === a)).toEqual([a]);
    native().serverOpen();
    native().serverMessage('x');
    expect(seen).toEqual(['a']);
    socket.removeListener('message', a);
    expect(socket.listenerCount('message')).toBe(base);
  });
});
