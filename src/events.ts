import type { OutboundData } from './data';
import type { SteadySocketError } from './errors';
import type { DropReason } from './outbound-queue';
import type { InvalidReason } from './router';
import type { ValidationIssue } from './schema';
import type { ConnectionState } from './state';
import type { ReadyState } from './state';

/** The SteadySocket that emitted an event, as its `target` (its native surface). */
export interface SteadyEventTarget {
  readonly readyState: ReadyState;
  readonly connectionState: ConnectionState;
  readonly url: string;
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: BinaryType;
  send(data: OutboundData, options?: { connectionOnly?: boolean }): boolean;
  close(code?: number, reason?: string): void;
  reconnect(): void;
}

/** Fields every event object carries. Plain objects: React Native has no `Event` constructor. */
export interface SteadyEvent<T extends string> {
  readonly type: T;
  /** The SteadySocket that emitted it. */
  readonly target: SteadyEventTarget;
}

/** The payload of an inbound message, as the native socket delivered it. */
export type MessageData = string | ArrayBuffer | Blob | ArrayBufferView;

export type SteadyOpenEvent = SteadyEvent<'open'>;

export interface SteadyMessageEvent extends SteadyEvent<'message'> {
  readonly data: MessageData;
}

/** How a connection or an attempt ended. */
export interface SteadyCloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

export interface SteadyCloseEvent extends SteadyEvent<'close'>, SteadyCloseInfo {
  /** Whether a reconnect follows. `false` only on the final close. */
  readonly willReconnect: boolean;
}

export interface SteadyErrorEvent extends SteadyEvent<'error'> {
  readonly error: SteadySocketError;
  readonly message: string;
}

export interface ReconnectingEvent extends SteadyEvent<'reconnecting'> {
  /** The retry about to be made: 1 for the first retry after a loss. */
  readonly attempt: number;
  /** Ms until it is made. */
  readonly delay: number;
  /** The close that caused it. */
  readonly lastClose: SteadyCloseEvent;
}

export interface StateEvent extends SteadyEvent<'state'> {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
}

export interface DropEvent extends SteadyEvent<'drop'> {
  /** The message that will never be sent. */
  readonly data: OutboundData;
  readonly reason: DropReason;
}

export interface HeartbeatEvent extends SteadyEvent<'heartbeat'> {
  /** Ms between the ping and its pong. */
  readonly rtt: number;
}

export interface InvalidEvent extends SteadyEvent<'invalid'> {
  readonly reason: InvalidReason;
  /** The channel the message named, if it named one. */
  readonly channel: string | undefined;
  /** The raw text (too large, undecodable) or the decoded payload. */
  readonly data: unknown;
  readonly issues: readonly ValidationIssue[];
  /** The same, as an error with code `INVALID_MESSAGE`. */
  readonly error: SteadySocketError;
}

/** Event name → event object, for `addEventListener` and the `on*` handlers. */
export interface SteadySocketEventMap {
  open: SteadyOpenEvent;
  message: SteadyMessageEvent;
  close: SteadyCloseEvent;
  error: SteadyErrorEvent;
  reconnecting: ReconnectingEvent;
  state: StateEvent;
  drop: DropEvent;
  heartbeat: HeartbeatEvent;
  invalid: InvalidEvent;
}

/** The same map in eventemitter3's form, for `on`, `once` and `off`. */
export type SteadySocketEvents = {
  [K in keyof SteadySocketEventMap]: (event: SteadySocketEventMap[K]) => void;
};
