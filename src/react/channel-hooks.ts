import { useCallback, useEffect, useInsertionEffect, useRef, useState } from 'react';
import { channels, type ChannelClient, type ChannelMap, type ChannelSpec, type ChannelsOptions, type Received, type Replied, type RequestName, type RequestOptions, type SpecPart } from '../channels/index';
import type { SteadySocket } from '../socket/index';
import { optionsKey } from './options-key';
import { Registry, useLease, useServerRender } from './registry';

const clients = new Registry<ChannelClient>((client) => client.dispose());
const socketIds = new WeakMap<SteadySocket, number>();
let nextSocketId = 0;

/** Options of {@link useChannels}: the channel client's own, plus `key`. */
export interface UseChannelsOptions extends ChannelsOptions {
  /**
   * Names the client among those on the same socket: components with the same socket and
   * key share one.
   * @default the options' plain data as sorted JSON (functions and class instances left out)
   */
  key?: string;
}

/**
 * A channel client (`channels<Api>(socket, options)`) for this component, shared by the
 * components that ask for one on the same socket with the same options key, and disposed
 * after the last of them unmounts. Made during render and held by an effect, as
 * {@link useSteadySocket} does with sockets: StrictMode makes one, not two.
 * @example
 * const api = useChannels<Api>(useSteadySocket(url));
 */
export function useChannels<Api extends { [K in keyof Api]: ChannelSpec } = ChannelMap>(socket: SteadySocket, options?: UseChannelsOptions): ChannelClient<Api> {
  let id = socketIds.get(socket);
  if (id === undefined) socketIds.set(socket, (id = nextSocketId++));
  const { key, ...given } = options ?? {};
  const make = () => channels(socket, given);
  const server = useServerRender();
  // On the server, a client of the component's own: nothing is registered that no effect would release.
  const own = useRef<ChannelClient>(undefined);
  const lease = server ? undefined : clients.lookup(`${id}\n${key ?? optionsKey(given)}`, make);
  useLease(clients, lease);
  return (lease?.value ?? (own.current ??= make())) as unknown as ChannelClient<Api>;
}

/** What {@link useChannel} returns. */
export interface ChannelState<T, S> {
  /** The last messages that arrived on the channel since it was first used here, oldest first. */
  readonly messages: readonly T[];
  /** The last of them, or `undefined` until one arrives. */
  readonly last: T | undefined;
  /** Sends on the channel (a stable function); `false` when the message was dropped. */
  readonly send: (data: S) => boolean;
}

const NONE: readonly never[] = [];

/**
 * The messages of channel `name` of `client`, the last one, and its `send`. Re-renders
 * on every message that passes validation.
 * @param keep How many of the last messages `messages` keeps. @default 100
 * @example
 * const { messages, send } = useChannel(api, 'chat');
 */
export function useChannel<Api extends { [K in keyof Api]: ChannelSpec }, K extends keyof Api & string>(
  client: ChannelClient<Api>,
  name: K,
  keep = 100,
): ChannelState<Received<Api[K]>, SpecPart<Api[K], 'send'>> {
  type T = Received<Api[K]>;
  const channel = client.channel(name);
  const [got, setGot] = useState<{ channel: unknown; messages: readonly T[] }>({ channel, messages: NONE });
  useEffect(() => {
    const onMessage = (message: T) =>
      setGot((before) => ({ channel, messages: [...(before.channel === channel ? before.messages : NONE), message].slice(-Math.max(1, keep)) }));
    channel.on('message', onMessage);
    return () => {
      channel.off('message', onMessage);
    };
  }, [channel, keep]);
  const send = useCallback((data: SpecPart<Api[K], 'send'>) => channel.send(data), [channel]);
  const messages = got.channel === channel ? got.messages : NONE;
  return { messages, last: messages[messages.length - 1], send };
}

/** What {@link useRequest} returns. */
export interface RequestState<Q, R> {
  /** The reply to the last request, once it came; kept while the next one is loading. */
  readonly data: R | undefined;
  /** Why the last request failed (a `SteadySocketError`: `REQUEST_TIMEOUT`, `CONNECTION_LOST`…), else `undefined`. */
  readonly error: unknown;
  /** A request is on its way. */
  readonly loading: boolean;
  /**
   * Sends a request (a stable function); resolves with the reply, or `undefined` when it
   * failed: it never rejects, the failure is in `error`. A newer `send` or an unmount
   * aborts the one before, whose outcome is then ignored.
   */
  readonly send: (data: Q) => Promise<R | undefined>;
}

/**
 * Requests on channel `name` of `client`, with their reply, error and loading state.
 * @param options For every request (`timeout`, `idempotent`, `validate`); the latest render's are used.
 * @example
 * const time = useRequest(api, 'time');
 * <button onClick={() => time.send({ zone: 'UTC' })} disabled={time.loading}>{time.data?.now}</button>
 */
export function useRequest<Api extends { [K in keyof Api]: ChannelSpec }, K extends RequestName<Api>>(
  client: ChannelClient<Api>,
  name: K,
  options?: Omit<RequestOptions<Replied<Api[K]>>, 'signal'>,
): RequestState<SpecPart<Api[K], 'request'>, Replied<Api[K]>> {
  type R = Replied<Api[K]>;
  const [state, setState] = useState<{ data: R | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: false });
  const run = useRef<{ options?: typeof options; controller?: AbortController }>({});
  useInsertionEffect(() => {
    run.current.options = options;
  });
  useEffect(() => () => run.current.controller?.abort(), []);
  const send = useCallback(
    (data: SpecPart<Api[K], 'request'>) => {
      const latest = run.current;
      latest.controller?.abort();
      const controller = (latest.controller = new AbortController());
      setState((before) => ({ ...before, error: undefined, loading: true }));
      const settle = (reply?: R, error?: unknown) => {
        // Only the newest request speaks for the state.
        if (latest.controller === controller) {
          latest.controller = undefined;
          setState((before) => ({ data: error === undefined ? reply : before.data, error, loading: false }));
        }
        return reply;
      };
      return client.request(name, data, { ...latest.options, signal: controller.signal }).then(settle, (error: unknown) => settle(undefined, error));
    },
    [client, name],
  );
  return { ...state, send };
}
