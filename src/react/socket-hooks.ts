import { useCallback, useEffect, useInsertionEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionState, SteadySocket, SteadySocketEventMap, SteadySocketStats } from '../socket/index';

type EventType = keyof SteadySocketEventMap;
type Listener<K extends EventType> = (event: SteadySocketEventMap[K]) => void;

/**
 * Adds `listener` for each of `types` and returns the cleanup that removes them. The cleanup
 * returns nothing, as React's effect type wants (eventemitter3's `off` returns the emitter).
 */
function listen<K extends EventType>(socket: SteadySocket, types: readonly K[], listener: Listener<K>): () => void {
  const on = socket.on as (type: K, fn: Listener<K>) => unknown;
  const off = socket.off as (type: K, fn: Listener<K>) => unknown;
  for (const type of types) on.call(socket, type, listener);
  return () => {
    for (const type of types) off.call(socket, type, listener);
  };
}

/** A `useSyncExternalStore` over `socket`'s events of `types`, read with `read`. */
function useSocketStore<T>(socket: SteadySocket, types: readonly EventType[], read: () => T, onServer: () => T = read): T {
  // `types` is one of the module's constants: the socket alone decides the subscription.
  const subscribe = useCallback((notify: () => void) => listen(socket, types, notify), [socket]);
  return useSyncExternalStore(subscribe, read, onServer);
}

const STATE: readonly EventType[] = ['state'];
const QUEUE: readonly EventType[] = ['queue'];
const STATS: readonly EventType[] = ['state', 'open', 'close', 'message', 'drop', 'heartbeat', 'queue'];
const connecting = (): ConnectionState => 'connecting';

/**
 * The socket's `connectionState`; re-renders when it changes, and only then. Renders
 * `'connecting'` on the server and while hydrating.
 * @example
 * const state = useConnectionState(ws); // 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed'
 */
export function useConnectionState(socket: SteadySocket): ConnectionState {
  return useSocketStore(socket, STATE, () => socket.connectionState, connecting);
}

/**
 * Messages waiting in the socket's outbound queue (`stats.queued`); re-renders when the
 * number changes (the socket's `queue` event).
 * @example
 * const queued = useQueueLength(ws); // 3 while offline after three sends
 */
export function useQueueLength(socket: SteadySocket): number {
  return useSocketStore(socket, QUEUE, () => socket.stats.queued);
}

const lastStats = new WeakMap<SteadySocket, SteadySocketStats>();

/** `socket.stats`, the same object for as long as no figure changed (a new one is made on every read). */
function statsOf(socket: SteadySocket): SteadySocketStats {
  const now = socket.stats;
  const last = lastStats.get(socket);
  if (last && (Object.keys(now) as (keyof SteadySocketStats)[]).every((k) => last[k] === now[k])) return last;
  lastStats.set(socket, now);
  return now;
}

/**
 * `socket.stats` as a stable snapshot: re-renders when a figure changed at one of the
 * socket's events (`state`, `open`, `close`, `message`, `drop`, `heartbeat`, `queue`). A
 * message written straight through while the queue is empty fires none of them, so
 * `messagesSent` may lag until the next one; `socket.stats` is always current.
 * @example
 * const { reconnects, rtt } = useSocketStats(ws);
 */
export function useSocketStats(socket: SteadySocket): SteadySocketStats {
  return useSocketStore(socket, STATS, () => statsOf(socket));
}

/**
 * Calls `handler` for every `type` event of `socket` while the component is mounted. The
 * latest `handler` is called: an inline function does not resubscribe on every render.
 * @example
 * useSocketEvent(ws, 'close', (e) => console.log(e.code, e.willReconnect));
 */
export function useSocketEvent<K extends EventType>(socket: SteadySocket, type: K, handler: (event: SteadySocketEventMap[K]) => void): void {
  const latest = useRef(handler);
  // Before any effect of this commit can fire an event (the way React's useEffectEvent is polyfilled).
  useInsertionEffect(() => {
    latest.current = handler;
  });
  useEffect(() => listen(socket, [type], (event) => latest.current(event)), [socket, type]);
}

/**
 * The last `message` event of `socket` (optionally, the last that `filter` accepts), or
 * `null` until one arrives. Every message re-renders, even one equal to the last.
 * @example
 * const last = useLastMessage(ws, (e) => typeof e.data === 'string');
 * return <p>{last?.data}</p>;
 */
export function useLastMessage(socket: SteadySocket, filter?: (event: SteadySocketEventMap['message']) => boolean): SteadySocketEventMap['message'] | null {
  const [last, setLast] = useState<{ socket: SteadySocket; event: SteadySocketEventMap['message'] } | null>(null);
  useSocketEvent(socket, 'message', (event) => {
    if (!filter || filter(event)) setLast({ socket, event });
  });
  // A message of the socket used before a change of socket is not this one's.
  return last?.socket === socket ? last.event : null;
}
