export { SteadySocket } from './steady-socket';
export { SteadySocketError } from './errors';
export { backoffDelay } from './backoff';
export { closeVerdict } from './close-policy';
export { DEFAULTS } from './options';
export { Channel } from '../channels/channel';
export { jsonCodec, typePayloadCodec } from '../channels/codec';

export type { SendOptions, SteadySocketStats } from './steady-socket';
export type { HeartbeatOptions } from './heartbeat';
export type { ChannelEvents, ChannelMap, ChannelSpec, IterateOptions, Received, Replied, RequestName, SpecPart } from '../channels/channel';
export type { Codec, Envelope } from '../channels/codec';
export type { InvalidReason, RequestOptions } from '../channels/router';
export type { StandardSchemaV1, StandardResult, ValidationIssue, Validator } from '../channels/schema';
export type { SteadySocketErrorCode } from './errors';
export type { BackoffPolicy, Jitter } from './backoff';
export type { CloseVerdict } from './close-policy';
export type { Clock, TimerHandle } from './clock';
export type { OutboundData } from './data';
export type { DropReason, Outcome } from './outbound-queue';
export type { ConnectionState, ReadyState } from './state';
export type { WebSocketConstructor, WebSocketLike } from './native';
export type { ListenerOptions, SteadyListener } from './event-target';
export type { LifecycleTarget } from './lifecycle';
export type {
  OverflowPolicy,
  ProtocolsProvider,
  QueueOptions,
  SteadySocketOptions,
  UrlProvider,
} from './options';
export type {
  DropEvent,
  HeartbeatEvent,
  MessageData,
  ReconnectingEvent,
  StateEvent,
  SteadyCloseEvent,
  SteadyCloseInfo,
  SteadyErrorEvent,
  SteadyEvent,
  SteadyEventTarget,
  InvalidEvent,
  SteadyMessageEvent,
  SteadyOpenEvent,
  SteadySocketEventMap,
  SteadySocketEvents,
} from './events';
