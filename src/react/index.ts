/**
 * `steadysocket/react`: hooks over a SteadySocket and its channels, right under
 * `<StrictMode>` (one handshake per mount), shared between components, and inert on the
 * server. React (18 or later) is a peer dependency. Uses the socket and channels layers
 * through their entry points only.
 *
 * @example
 * import { useSteadySocket, useConnectionState } from 'steadysocket/react';
 *
 * function Feed() {
 *   const ws = useSteadySocket('wss://example.com/feed', { heartbeat: true });
 *   const state = useConnectionState(ws);
 *   return <p>{state}</p>;
 * }
 *
 * @packageDocumentation
 */
export { useSteadySocket } from './use-steady-socket';
export { useConnectionState, useLastMessage, useQueueLength, useSocketEvent, useSocketStats } from './socket-hooks';
export { useChannel, useChannels, useRequest } from './channel-hooks';

export type { UseSteadySocketOptions } from './use-steady-socket';
export type { ChannelState, RequestState, UseChannelsOptions } from './channel-hooks';
