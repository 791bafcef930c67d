import { SteadySocket } from '../../src/socket/steady-socket';
import type { SteadySocketOptions, UrlProvider } from '../../src/socket/options';
import type { SteadySocketEventMap } from '../../src/socket/events';
import type { ChannelMap, ChannelSpec } from '../../src/channels/channel';
import { FakeSocket } from './fake-socket';
import { ManualClock } from './manual-clock';

export type Recorded = { [K in keyof SteadySocketEventMap]: { type: K; event: SteadySocketEventMap[K] } }[keyof SteadySocketEventMap];

/**
 * A fresh SteadySocket<Api> on a FakeSocket and a manual clock, deterministic backoff, no
 * page lifecycle. The base of {@link setup} and of the channel and request tests.
 */
export function fakeSocket<Api extends { [K in keyof Api]: ChannelSpec } = ChannelMap>(
  options: SteadySocketOptions = {},
  url: UrlProvider = 'ws://test.invalid/feed',
) {
  FakeSocket.reset();
  const clock = new ManualClock();
  const socket = new SteadySocket<Api>(url, {
    WebSocket: FakeSocket,
    clock,
    random: () => 0.5,
    minDelay: 1000, // round numbers in the tests: 1000, 2000, 4000, 8000, 10000 ms
    jitter: 'none',
    lifecycleEvents: null,
    ...options,
  });
  return { socket, clock, native: () => FakeSocket.last };
}

/**
 * A SteadySocket on a FakeSocket and a manual clock, with deterministic backoff
 * (`jitter: 'none'`: 1000, 2000, 4000, 8000, 10000 ms) and every event recorded.
 */
export function setup(options: SteadySocketOptions = {}, url: UrlProvider = 'ws://test.invalid/feed') {
  const { socket, clock } = fakeSocket(options, url);
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
  return { socket, clock, events, log, native: () => FakeSocket.last };
}

/** Lets pending promise callbacks (async URL providers) run. Not a sleep: one macrotask turn. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
