// The contenders, each built the way its README shows, with its documented defaults.
// The only option any of them is given is the WebSocket constructor (Node has no global
// one that every library accepts), except where a scenario says otherwise.
import WebSocket from 'ws';
import ReconnectingWebSocket from 'reconnecting-websocket';
import { WebSocket as PartySocket } from 'partysocket';
import { SteadySocket } from 'steadysocket';

/** Every client library measured; `ws` is the base of every ratio. */
export const CLIENTS = ['ws', 'reconnecting-websocket', 'partysocket', 'steadysocket'];
/** The ones that reconnect: raw `ws` has no reconnection, so it is not in the storm. */
export const RECONNECTING = CLIENTS.slice(1);

/**
 * reconnecting-websocket draws `minReconnectionDelay = 1000 + random() * 4000` once, when
 * its module loads. A thousand real users are a thousand module loads, each with its own
 * draw; a thousand clients in one benchmark process would share a single one and all
 * reconnect in the same instant. So each client here gets its own draw of that formula:
 * what a crowd of separate pages does with the default.
 */
const rwsMinDelay = () => 1000 + Math.random() * 4000;

/**
 * A new client of `contender` for `url`. `Native` replaces the `ws` constructor (the storm
 * counts attempts through a subclass); `options` are merged over the defaults (only the
 * reconnect-cycle scenario passes any).
 */
export function connect(contender, url, { Native = WebSocket, options = {} } = {}) {
  switch (contender) {
    case 'ws':
      return new Native(url);
    case 'reconnecting-websocket':
      return new ReconnectingWebSocket(url, [], { WebSocket: Native, minReconnectionDelay: rwsMinDelay(), ...options });
    case 'partysocket':
      return new PartySocket(url, [], { WebSocket: Native, ...options });
    case 'steadysocket':
      return new SteadySocket(url, { WebSocket: Native, ...options });
    default:
      throw new Error(`unknown contender ${contender}`);
  }
}

/** Options that make each reconnecting client retry after ~1 ms (reconnect-cycle scenario only). */
export const FAST_RETRY = {
  'reconnecting-websocket': { minReconnectionDelay: 1, maxReconnectionDelay: 1 },
  partysocket: { minReconnectionDelay: 1, maxReconnectionDelay: 1 },
  steadysocket: { minDelay: 1, maxDelay: 1 },
};

/** Monotonic milliseconds, the same clock in every process on the machine (CLOCK_MONOTONIC). */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Heap after garbage collection (needs `--expose-gc`): several passes, letting closed handles finish in between. */
export async function heapAfterGc() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await sleep(25);
  }
  const { heapUsed, external } = process.memoryUsage();
  return { heapUsed, external };
}
