import { SteadySocket } from '../../src/socket/steady-socket';
import type { SteadySocketOptions, UrlProvider } from '../../src/socket/options';
import type { SteadySocketEventMap } from '../../src/socket/events';
import { FakeSocket } from './fake-socket';
import { ManualClock } from './manual-clock';

export type Recorded = { [K in keyof SteadySocketEventMap]: { type: K; event: SteadySocketEventMap[K] } }[keyof SteadySocketEventMap];

/**
 * A fresh SteadySocket on a FakeSocket and a manual clock, deterministic backoff, no page
 * lifecycle. The base of {@link setup} and of the channel and request tests (which put
 * `channels(socket, { clock })` on it).
 */
export function fakeSocket(options: SteadySocketOptions = {}, url: UrlProvider = 'ws://test.invalid/feed', startNow = true) {
  FakeSocket.reset();
  const clock = new ManualClock();
  const socket = new SteadySocket(url, {
    WebSocket: FakeSocket,
    clock,
    random: () => 0.5,
    minDelay: 1000, // round numbers in the tests: 1000, 2000, 4000, 8000, 10000 ms
    jitter: 'none',
    lifecycleEvents: null,
    ...options,
  });
  // The first attempt starts after the task that made the socket: `start()` lets it begin.
  const start = () => clock.advance(0);
  if (startNow) start();
  return { socket, clock, start, native: () => FakeSocket.last };
}

/**
 * A SteadySocket on a FakeSocket and a manual clock, with deterministic backoff
 * (`jitter: 'none'`: 1000, 2000, 4000, 8000, 10000 ms) and every event recorded.
 */
export function setup(options: SteadySocketOptions = {}, url: UrlProvider = 'ws://test.invalid/feed') {
  const { socket, clock, start } = fakeSocket(options, url, false);
  const events: Recorded[] = [];
  for (const type of ['open', 'message', 'close', 'error', 'reconnecting', 'state', 'drop'] as const) {
    socket.addEventListener(type, (event: SteadySocketEventMap[typeof type]) => void events.push({ type, event } as Recorded));
  }
  /** Event types in order, with the interesting detail: `close:1006:r`, `state:open`, `error:CODE`. */
  const log = () =>
    events.map((e) => {
      switch (e.type) {
        case 'close':
          return `close:${e.event.code}:${e.event.willReconnect ? 'r' : 'final'}`;
        case 'state':
          return `state:${e.event.state}`;
        case 'error':
          return `error:${e.event.error.code}`;
        case 'reconnecting':
          return `reconnecting:${e.event.attempt}:${e.event.delay}`;
        case 'drop':
          return `drop:${e.event.reason}`;
        default:
          return e.type;
      }
    });
  start();
  return { socket, clock, events, log, native: () => FakeSocket.last };
}

/** Lets pending promise callbacks (async URL providers) run. Not a sleep: one macrotask turn. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
