export { SteadySocket } from './steady-socket';
export { SteadySocketError } from './errors';
export { backoffDelay } from './backoff';
export { closeVerdict } from './close-policy';
export { DEFAULTS } from './options';

export type { SteadySocketStats } from './steady-socket';
export type { HeartbeatOptions } from './heartbeat';
export type { ResumeOptions } from './session-link';
export type { SteadySocketErrorCode } from './errors';
export type { BackoffPolicy, Jitter } from './backoff';
export type { CloseVerdict } from './close-policy';
export type { Clock, TimerHandle } from './clock';
export type { OutboundData } from './data';
export type { DropReason, Outcome, SendOptions } from './outbound-queue';
export type { ConnectionState, ReadyState } from './state';
export type { WebSocketConstructor, WebSocketLike } from './native';
export type { AnyListener, ListenerOptions, SteadyListener } from './listener-types';
export { SteadyEventObject } from './events';
export { Emitter } from './emitter';
export type { EmitterEventName, EmitterListener } from './emitter';
export { systemClock } from './clock';
export { reportListenerError } from './report-error';
export type { LifecycleTarget } from './lifecycle';
export type {
  Logger,
  OverflowPolicy,
  ProtocolsProvider,
  QueueOptions,
  SteadySocketOptions,
  UrlProvider,
} from './options';
export type {
  BinaryType,
  DomConstructor,
  DomType,
  NativeEventOf,
  DropEvent,
  HeartbeatEvent,
  QueueEvent,
  MessageData,
  ReconnectingEvent,
  StateEvent,
  SteadyCloseEvent,
  SteadyCloseInfo,
  SteadyErrorEvent,
  SteadyEvent,
  SteadyEventTarget,
  SteadyMessageEvent,
  SteadyOpenEvent,
  SteadySocketEventMap,
  SteadySocketEvents,
} from './events';
