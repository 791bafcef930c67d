export { SteadySocket } from './steady-socket';
export { SteadySocketError } from './errors';
export { backoffDelay } from './backoff';
export { closeVerdict } from './close-policy';
export { DEFAULTS } from './options';
export { Channel } from './channels';
export { jsonCodec, typePayloadCodec } from './codec';

export type { SendOptions, SteadySocketStats } from './steady-socket';
export type { HeartbeatOptions } from './heartbeat';
export type { ChannelEvents, ChannelMap, ChannelSpec, IterateOptions, Received, Replied, RequestName, SpecPart } from './channels';
export type { Codec, Envelope } from './codec';
export type { InvalidReason, RequestOptions } from './router';
export type { StandardSchemaV1, StandardResult, ValidationIssue, Validator } from './schema';
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
