import { useEffect, useReducer, useRef } from 'react';
import { SteadySocket, type SteadySocketOptions, type UrlProvider, type WebSocketConstructor } from '../socket/index';
import { optionsKey } from './options-key';
import { bump, Registry, useServerRender, type Lease } from './registry';

/** Options of {@link useSteadySocket}: the socket's own, plus `enabled` and `key`. */
export interface UseSteadySocketOptions extends Omit<SteadySocketOptions, 'startClosed'> {
  /**
   * `false` holds the component's socket closed: no connection, and `send()` queues (as
   * `startClosed` does) until it turns `true`, when what waits moves to the live socket.
   * @default true
   */
  enabled?: boolean;
  /**
   * Names the socket among those of the same URL: components with the same URL and key
   * share one. Needed when `url` is a function (functions cannot be compared).
   * @default the options' plain data as sorted JSON (functions and class instances left out)
   * @example useSteadySocket(() => fetchUrlWithToken(), { key: 'feed' })
   */
  key?: string;
}

/** A shared socket and the URL provider it calls (the latest one a holder committed). */
interface Held {
  socket: SteadySocket;
  url: UrlProvider;
}

/** What a component last used: a shared socket's lease, or its own held-closed socket. */
interface Used {
  readonly socket: SteadySocket;
  readonly lease: Lease<Held> | undefined;
}

const sockets = new Registry<Held>((held) => held.socket.close(1000));

/** Stands in for a missing WebSocket on a held-closed socket (server rendering): never constructed. */
const NoWebSocket = function () {
  throw new TypeError('no WebSocket');
} as unknown as WebSocketConstructor;

/**
 * A {@link SteadySocket} for this component. Components that ask for the same `url` and
 * options key share one socket, which closes (code 1000) after the last of them unmounts.
 * Under `<StrictMode>` a mount makes one handshake: the socket is made during render,
 * its first attempt waits for the end of the task, and StrictMode's cleanup and re-run
 * happen before that. On the server it connects nowhere (effects never run there).
 *
 * A new `url` (or options key) moves the component to another socket. If it was the old
 * socket's only user, what waited in the old socket's queue is sent on the new one, in
 * order; if other components still use the old socket, those messages stay with it.
 * `enabled: false` moves to a held-closed socket of the component's own, by the same rule.
 *
 * The socket is made with the options of the first component that asks for it; `close()`
 * on it closes it for all its users (use `enabled: false` to stop one component's use).
 * @param url The URL, or a function called before every attempt (then `options.key` is needed).
 * @example
 * function Feed() {
 *   const ws = useSteadySocket('wss://example.com/feed', { heartbeat: true });
 *   const state = useConnectionState(ws);
 *   return <button onClick={() => ws.send('hi')}>{state}</button>;
 * }
 */
export function useSteadySocket(url: UrlProvider, options: UseSteadySocketOptions = {}): SteadySocket {
  const { enabled = true, key, ...given } = options;
  if (typeof url === 'function' && key === undefined) throw new TypeError('useSteadySocket: a URL function needs a key');
  const id = `${typeof url === 'function' ? '' : url}\n${key ?? optionsKey(given)}`;
  const server = useServerRender();
  const own = useRef<{ id: string; socket: SteadySocket }>(undefined);
  const used = useRef<Used>(undefined);
  const [, rerender] = useReducer(bump, 0);

  let lease: Lease<Held> | undefined;
  let socket: SteadySocket;
  if (enabled && !server) {
    lease = sockets.lookup(id, () => {
      const held = { url } as Held;
      held.socket = new SteadySocket(typeof url === 'function' ? () => (held.url as () => string | Promise<string>)() : url, given);
      return held;
    });
    socket = lease.value.socket;
  } else {
    // Held closed: never started, so it has no timer and nothing to clean up if thrown away.
    if (own.current?.id !== id) {
      const WebSocket = given.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? NoWebSocket;
      own.current = { id, socket: new SteadySocket(url, { ...given, WebSocket, startClosed: true }) };
    }
    socket = own.current.socket;
  }

  useEffect(() => {
    if (lease && !sockets.acquire(lease)) return rerender();
    if (lease) lease.value.url = url;
    const previous = used.current;
    used.current = { socket, lease };
    // Cleanups run before effects: a previous lease with no users left was ours alone.
    if (previous && previous.socket !== socket && !(previous.lease && sockets.held(previous.lease))) {
      for (const data of previous.socket.drainQueuedMessages()) socket.send(data);
    }
    return lease && (() => sockets.release(lease));
  }, [lease, socket, url]);

  return socket;
}
