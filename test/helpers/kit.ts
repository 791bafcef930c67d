import { SteadySocket } from '../../src/socket/steady-socket';
import type { SteadySocketOptions, UrlProvider } from '../../src/socket/options';
import { createTestClock, createTestServer } from '../../src/testing/index';
import { flushNetwork } from '../../src/testing/network';

/**
 * A SteadySocket on the test kit (steadysocket/testing): a test server and a test clock
 * that fires nothing until advanced (`autoRun: false`), with the same round-number backoff
 * as setup() (`jitter: 'none'`: 1000, 2000, 4000, 8000, 10000 ms) and no page lifecycle.
 * `start()` runs the first attempt; it opens before `start()` returns unless the server
 * refuses or stalls. Where a test needs a native socket's exact `bufferedAmount` or a
 * scripted handshake, setup() and FakeSocket remain.
 */
export function onTestServer(options: SteadySocketOptions = {}, url: UrlProvider = 'ws://test.invalid/feed', startNow = true) {
  const server = createTestServer(typeof url === 'function' ? 'ws://test.invalid/feed' : url);
  const clock = createTestClock({ autoRun: false });
  const socket = new SteadySocket(url, {
    WebSocket: server.WebSocket,
    clock,
    random: () => 0.5,
    minDelay: 1000,
    jitter: 'none',
    lifecycleEvents: null,
    ...options,
  });
  const start = () => clock.advance(0);
  if (startNow) start();
  /** What the server received so far, once every delivery under way has arrived. */
  const received = () => {
    flushNetwork();
    return server.received;
  };
  return { socket, clock, server, start, received };
}
