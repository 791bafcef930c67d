import type { OutboundData } from './data';
import type { SteadySocketError } from './errors';
import type { DropReason } from './outbound-queue';
import type { InvalidReason } from '../channels/router';
import type { ValidationIssue } from '../channels/schema';
import type { ConnectionState } from './state';
import type { ReadyState } from './state';

/** The SteadySocket that emitted an event, as its `target` (its native surface). */
export interface SteadyEventTarget {
  /** 0 CONNECTING (also while waiting to reconnect), 1 OPEN, 2 CLOSING, 3 CLOSED (final). */
  readonly readyState: ReadyState;
  /** The finer state: `connecting`, `open`, `reconnecting`, `closing`, `closed`. */
  readonly connectionState: ConnectionState;
  /** The URL of the current or last attempt. */
  readonly url: string;
  /** The subprotocol the server chose, or `''`. */
  readonly protocol: string;
  /** The native socket's `bufferedAmount` plus the bytes waiting in the queue. */
  readonly bufferedAmount: number;
  /** How binary messages arrive; kept across reconnects. */
  binaryType: BinaryType;
  /** Writes or queues `data`; `false` when it was dropped (a `drop` event says why). */
  send(data: OutboundData, options?: { connectionOnly?: boolean }): boolean;
  /** Closes for good: no reconnect after it. */
  close(code?: number, reason?: string): void;
  /** Drops the current connection (or the wait) and connects again now. */
  reconnect(): void;
}

/** Fields every event object carries. Plain objects: React Native has no `Event` constructor. */
export interface SteadyEvent<T extends string> {
  /** The event's name. */
  readonly type: T;
  /** The SteadySocket that emitted it. */
  readonly target: SteadyEventTarget;
}

/** The payload of an inbound message, as the native socket delivered it. */
export type MessageData = string | ArrayBuffer | Blob | ArrayBufferView;

/** A connection opened; queued messages were flushed onto it first. */
export type SteadyOpenEvent = SteadyEvent<'open'>;

/** A message arrived. */
export interface SteadyMessageEvent extends SteadyEvent<'message'> {
  /** The payload, as the native socket gave it (its type follows `binaryType`). */
  readonly data: MessageData;
}

/** How a connection or an attempt ended. */
export interface SteadyCloseInfo {
  /** The close code: the server's, 1006 when the connection just died, 4000 for a heartbeat timeout. */
  readonly code: number;
  /** The close reason text, possibly `''`. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
}

/** A connection or a connection attempt ended. */
export interface SteadyCloseEvent extends SteadyEvent<'close'>, SteadyCloseInfo {
  /** Whether a reconnect follows. `false` only on the final close. */
  readonly willReconnect: boolean;
}

/** Something failed; `error.code` says what. */
export interface SteadyErrorEvent extends SteadyEvent<'error'> {
  /** The typed error, with a stable `code` and the native error as `cause` where there was one. */
  readonly error: SteadySocketError;
  /** The error's message. */
  readonly message: string;
}

/** A retry is scheduled. */
export interface ReconnectingEvent extends SteadyEvent<'reconnecting'> {
  /** The retry about to be made: 1 for the first retry after a loss. */
  readonly attempt: number;
  /** Ms until it is made. */
  readonly delay: number;
  /** The close that caused it. */
  readonly lastClose: SteadyCloseEvent;
}

/** `connectionState` changed. */
export interface StateEvent extends SteadyEvent<'state'> {
  /** The state now. */
  readonly state: ConnectionState;
  /** The state before. */
  readonly previous: ConnectionState;
}

/** A message will never be sent. Every such message is reported exactly once. */
export interface DropEvent extends SteadyEvent<'drop'> {
  /** The message that will never be sent. */
  readonly data: OutboundData;
  /** Why: `overflow`, `expired`, `closed`, `disconnected`, `rejected` or `cancelled`. */
  readonly reason: DropReason;
}

/** A pong arrived. */
export interface HeartbeatEvent extends SteadyEvent<'heartbeat'> {
  /** Ms between the ping and its pong. */
  readonly rtt: number;
}

/** An inbound message did not reach a typed listener (raw `message` listeners still saw it). */
export interface InvalidEvent extends SteadyEvent<'invalid'> {
  /** What was wrong with it. */
  readonly reason: InvalidReason;
  /** The channel the message named, if it named one. */
  readonly channel: string | undefined;
  /** The raw text (too large, undecodable) or the decoded payload. */
  readonly data: unknown;
  /** The validator's issues, or one issue describing the problem. */
  readonly issues: readonly ValidationIssue[];
  /** The same, as an error with code `INVALID_MESSAGE`. */
  readonly error: SteadySocketError;
}

/** Event name → event object, for `addEventListener` and the `on*` handlers. */
export interface SteadySocketEventMap {
  /** A connection opened. */
  open: SteadyOpenEvent;
  /** A message arrived. */
  message: SteadyMessageEvent;
  /** A connection or attempt ended; `willReconnect` says whether a retry follows. */
  close: SteadyCloseEvent;
  /** Something failed; the typed error is `event.error`. */
  error: SteadyErrorEvent;
  /** A retry is scheduled. */
  reconnecting: ReconnectingEvent;
  /** `connectionState` changed. */
  state: StateEvent;
  /** A message will never be sent. */
  drop: DropEvent;
  /** A pong arrived. */
  heartbeat: HeartbeatEvent;
  /** An inbound message was turned away from typed listeners. */
  invalid: InvalidEvent;
}

/** The same map in eventemitter3's form, for `on`, `once` and `off`. */
export type SteadySocketEvents = {
  [K in keyof SteadySocketEventMap]: (event: SteadySocketEventMap[K]) => void;
};
