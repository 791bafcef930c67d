import { afterEach, describe, expect, it } from 'vitest';
import { FakeSocket } from '../helpers/fake-socket';
import { setup } from '../helpers/setup';

afterEach(() => FakeSocket.reset());

/** A stand-in for `window` (and its `document`) that counts listeners. */
function page() {
  const make = () => {
    const listeners = new Map<string, Set<() => void>>();
    return {
      listeners,
      addEventListener: (type: string, fn: () => void) => void (listeners.get(type) ?? listeners.set(type, new Set()).get(type)!).add(fn),
      removeEventListener: (type: string, fn: () => void) => void listeners.get(type)?.delete(fn),
      fire: (type: string) => [...(listeners.get(type) ?? [])].forEach((fn) => fn()),
      count: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    };
  };
  const document = Object.assign(make(), { visibilityState: 'visible' });
  const window = Object.assign(make(), { document });
  return { window, document, count: () => window.count() + document.count() };
}

const heartbeat = { interval: 10_000, timeout: 1_000 };

describe('lifecycle events', () => {
  it.each([
    ['online', 'window'],
    ['pageshow', 'window'],
    ['visibilitychange', 'document'],
    ['resume', 'document'],
  ] as const)('%s on the %s probes an open connection at once', (type, on) => {
    const p = page();
    const { native } = setup({ lifecycleEvents: p.window, heartbeat });
    native().serverOpen();
    p[on].fire(type);
    expect(native().sent).toEqual(['ping']);
  });

  it.each(['online', 'pageshow'] as const)('%s skips the backoff wait', (type) => {
    const p = page();
    const { native } = setup({ lifecycleEvents: p.window, minDelay: 5000, maxDelay: 5000 });
    native().fail();
    p.window.fire(type);
    expect(FakeSocket.instances).toHaveLength(2);
    p.window.fire(type); // an attempt under way is left alone
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('becoming hidden does nothing', () => {
    const p = page();
    const { native } = setup({ lifecycleEvents: p.window, heartbeat });
    native().serverOpen();
    p.document.visibilityState = 'hidden';
    p.document.fire('visibilitychange');
    expect(native().sent).toEqual([]);
  });

  it('without a heartbeat, waking up an open connection sends nothing', () => {
    const p = page();
    const { native } = setup({ lifecycleEvents: p.window });
    native().serverOpen();
    p.window.fire('online');
    expect(native().sent).toEqual([]);
  });

  it('listens while alive, stops when closed, again after a revive', () => {
    const p = page();
    const { socket, native } = setup({ lifecycleEvents: p.window, maxRetries: 0 });
    expect(p.count()).toBe(4);
    native().fail(); // gives up
    expect(p.count()).toBe(0);
    socket.reconnect();
    expect(p.count()).toBe(4);
    socket.close();
    expect(p.count()).toBe(0);
  });
});
