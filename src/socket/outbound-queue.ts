import type { OutboundData } from './data';

/** What the queue does when a new message does not fit. */
export type OverflowPolicy = 'reject' | 'drop-oldest';

/** Why a message will never be sent. */
export type DropReason =
  /** The queue was full: the message was refused (`'reject'`) or evicted (`'drop-oldest'`). */
  | 'overflow'
  /** It waited longer than `queue.maxAge`. */
  | 'expired'
  /** The socket was closed for good (by `close()` or by giving up). */
  | 'closed'
  /** Sent with `{ connectionOnly: true }`, and the connection it was meant for is gone. */
  | 'disconnected'
  /** The native `send()` threw on it (a type the runtime cannot send). */
  | 'rejected'
  /** A request that was aborted or timed out before it could be written. */
  | 'cancelled'
  /**
   * With `resume`: written, but the server lost the session (or it ended) before
   * acknowledging it, so whether it arrived is unknown. It is not sent again.
   */
  | 'unconfirmed';

/** Where the outbox reports each message it drops: the socket, which emits `drop`. */
export interface DropSink {
  /** `data` will never be sent, for `reason`. */
  _dropped(data: OutboundData, reason: DropReason): void;
  /**
   * Runs what a timer of the outbox changes as one operation of the socket (its events, the
   * `queue` event among them, follow it).
   */
  _operation<T>(change: () => T): T;
}

/** What became of a message: written to a native socket, or dropped (and why). */
export type Outcome = 'written' | DropReason;

/**
 * Options of `send`, beyond the native signature. The layers above the socket (channels,
 * requests) use them; so may an app.
 */
export interface SendOptions {
  /**
   * Valid for the current connection only (an unsubscribe, a cursor): if it cannot be
   * written on this connection it is dropped (`'disconnected'`), never replayed after a reconnect.
   * @default false
   */
  readonly connectionOnly?: boolean;
  /**
   * Goes ahead of everything waiting in the queue (a request sent again after a reconnect
   * keeps its place before what was sent after it).
   * @default false
   */
  readonly front?: boolean;
  /** Once aborted, the message is not written: if it still waits, it is dropped (`'cancelled'`). */
  readonly signal?: AbortSignal;
  /**
   * Told once what became of the message: `'written'` to a connection, or the reason of
   * its `drop` event.
   */
  readonly onOutcome?: (outcome: Outcome) => void;
}
