import type { OutboundData } from './data';
import type { SteadySocketError } from './errors';
import type { DropReason } from './outbound-queue';
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

/**
 * The DOM's own type `Name` (`MessageEvent`, `CloseEvent`, `Event`, `Blob`…) where your
 * compilation has it (the DOM lib, or `@types/node`'s globals), else `unknown`. Resolved in
 * your project, not ours: the same declarations serve a browser app and a Node project
 * without the DOM lib.
 */
export type DomType<Name extends string> = typeof globalThis extends { [K in Name]: DomConstructor<infer T> } ? T : unknown;

/** What a DOM class looks like on `globalThis`. */
export interface DomConstructor<T> {
  /** Its instances' type. */
  readonly prototype: T;
}

/**
 * Fields every event object carries. Each event is a {@link SteadyEventObject}: the DOM's
 * `Event` fields and methods are on its prototype, so code typed for the DOM's events finds
 * them at run time too (React Native has no `Event` constructor to build real ones).
 */
export interface SteadyEvent<T extends string> {
  /** The event's name. */
  readonly type: T;
  /** The SteadySocket that emitted it. */
  readonly target: SteadyEventTarget;
  /** The same as `target`, as in the DOM. */
  readonly currentTarget: SteadyEventTarget;
  /** `clock.now()` when the event was made. */
  readonly timeStamp: number;
}

/** The payload of an inbound message, as the native socket delivered it. */
export type MessageData = string | ArrayBuffer | DomType<'Blob'> | ArrayBufferView;

/** A connection opened; queued messages were flushed onto it first. */
export interface SteadyOpenEvent extends SteadyEvent<'open'> {
  /**
   * With `resume`: `true` when this connection continued the session of the last one
   * (nothing was lost or repeated). Always `false` without a session.
   */
  readonly resumed: boolean;
}

/** A message arrived. */
export interface SteadyMessageEvent extends SteadyEvent<'message'> {
  /**
   * The payload, as the native socket gave it: a {@link MessageData} (its type follows
   * `binaryType`). Typed `any` as the DOM's `MessageEvent.data` is, so that code written for
   * the native socket (`JSON.parse(e.data)`) compiles unchanged.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DOM's own type, for the drop-in
  readonly data: any;
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
  /** The typed error, with a stable `code`; its `cause` is the underlying Error where there was one, with URLs redacted (never the native event, whose socket holds the URL). */
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

/**
 * The outbound queue changed: messages were queued, written from it, dropped or taken
 * with `drainQueuedMessages()`. One event per change of the figures, after the operation
 * that changed them (a flush of a thousand messages is one event); nothing fires for a
 * message written straight through while the queue is empty.
 */
export interface QueueEvent extends SteadyEvent<'queue'> {
  /** Messages waiting now (`stats.queued`). */
  readonly length: number;
  /** Bytes waiting now (`stats.queuedBytes`). */
  readonly bytes: number;
}

/** A pong arrived. */
export interface HeartbeatEvent extends SteadyEvent<'heartbeat'> {
  /** Ms between the ping and its pong. */
  readonly rtt: number;
}

/**
 * Event name → event object, for `addEventListener` and the `on*` handlers. The native
 * four are also the DOM's `Event`, `MessageEvent` and `CloseEvent` where your compilation
 * has those types, so handlers typed with them are accepted.
 */
export interface SteadySocketEventMap {
  /** A connection opened. */
  open: SteadyOpenEvent & DomType<'Event'>;
  /** A message arrived. */
  message: SteadyMessageEvent & DomType<'MessageEvent'>;
  /** A connection or attempt ended; `willReconnect` says whether a retry follows. */
  close: SteadyCloseEvent & DomType<'CloseEvent'>;
  /** Something failed; the typed error is `event.error`. */
  error: SteadyErrorEvent & DomType<'Event'>;
  /** A retry is scheduled. */
  reconnecting: ReconnectingEvent;
  /** `connectionState` changed. */
  state: StateEvent;
  /** A message will never be sent. */
  drop: DropEvent;
  /** The number or bytes of messages waiting in the outbound queue changed. */
  queue: QueueEvent;
  /** A pong arrived. */
  heartbeat: HeartbeatEvent;
}

/** The same map in eventemitter3's form, for `on`, `once` and `off`. */
export type SteadySocketEvents = {
  [K in keyof SteadySocketEventMap]: (event: SteadySocketEventMap[K]) => void;
};

/** `D` where it is a type your compilation has, else `F`. */
type Or<D, F> = unknown extends D ? F : D;

/**
 * The DOM's type for one of the native four events where your compilation has it
 * (`Event`, `MessageEvent`, `CloseEvent`), else the socket's own event type.
 */
export type NativeEventOf<K extends keyof SteadySocketEventMap> = K extends 'message'
  ? Or<DomType<'MessageEvent'>, SteadySocketEventMap[K]>
  : K extends 'close'
    ? Or<DomType<'CloseEvent'>, SteadySocketEventMap[K]>
    : Or<DomType<'Event'>, SteadySocketEventMap[K]>;

/** How binary messages arrive, as the DOM's `BinaryType` (declared here: no DOM lib needed). */
export type BinaryType = 'blob' | 'arraybuffer';

/**
 * The class of every event object: the fields given, on a prototype that carries the rest
 * of the DOM's `Event` (and `MessageEvent`) surface. Listeners run at the target, nothing
 * bubbles or can be cancelled; `stopImmediatePropagation()` stops the DOM-style listeners
 * and `on*` handlers after the current one, as in the DOM.
 */
export class SteadyEventObject {
  /** @internal Set by `stopImmediatePropagation()`. */
  declare _stopped?: boolean;
  /** `clock.now()` when the event was made. */
  readonly timeStamp: number;

  constructor(
    /** The event's name. */
    readonly type: string,
    /** The SteadySocket that emitted it. */
    readonly target: SteadyEventTarget,
    now: number,
  ) {
    this.timeStamp = now;
  }

  /** The SteadySocket it was dispatched on, as in the DOM. */
  get currentTarget(): SteadyEventTarget {
    return this.target;
  }

  /** The same, under its legacy DOM name. */
  get srcElement(): SteadyEventTarget {
    return this.target;
  }

  /** `[target]`: there is no tree to travel. */
  composedPath(): SteadyEventTarget[] {
    return [this.target];
  }

  /** Stops the DOM-style listeners and `on*` handlers after this one, as in the DOM. */
  stopImmediatePropagation(): void {
    this._stopped = true;
  }

  /** No effect: nothing bubbles. */
  stopPropagation(): void {}

  /** No effect: nothing is cancelable. */
  preventDefault(): void {}

  /** No effect (a legacy DOM initializer). */
  initEvent(): void {}
}

// The DOM's constant fields, once on the prototype rather than on every event.
Object.assign(SteadyEventObject.prototype, {
  bubbles: false,
  cancelable: false,
  cancelBubble: false,
  composed: false,
  defaultPrevented: false,
  eventPhase: 2,
  isTrusted: false,
  returnValue: true,
  lastEventId: '',
  origin: '',
  ports: Object.freeze([]),
  source: null,
  NONE: 0,
  CAPTURING_PHASE: 1,
  AT_TARGET: 2,
  BUBBLING_PHASE: 3,
});
