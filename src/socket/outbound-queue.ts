import { Timer, type Clock } from './clock';
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

/** The queue's bounds (a slice of the resolved options). */
export interface QueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly overflow: OverflowPolicy;
  readonly maxAge: number;
}

/** Where the queue reports each message it drops: the socket, which emits `drop`. */
export interface DropSink {
  /** `data` will never be sent, for `reason`. */
  _dropped(data: OutboundData, reason: DropReason): void;
  /**
   * Runs what a timer of the queue changes as one operation of the socket (its events, the
   * `queue` event among them, follow it). Optional: a bare queue runs it directly.
   */
  _operation?<T>(change: () => T): T;
}

/** What became of a message: written to a native socket, or dropped (and why). */
export type Outcome = 'written' | DropReason;

/** Runs a timer's `change` as one operation of the sink's socket, where it has one. */
export const inOperation = (sink: DropSink, change: () => void): void => (sink._operation ? sink._operation(change) : change());

/**
 * Tells the sink (unless it was written) and the sender what became of a message: the one
 * place every drop is reported, so each is reported once and in the same way.
 */
export function settle(sink: DropSink, data: OutboundData, options: SendOptions, outcome: Outcome): void {
  if (outcome !== 'written') sink._dropped(data, outcome);
  options.onOutcome?.(outcome);
}

// Short internal names: the build shortens `_x` properties only, and there is one per message.
/** @internal A message waiting, with what the queue knows of it. */
export interface Entry {
  readonly _data: OutboundData;
  readonly _bytes: number;
  readonly _expires: number;
  readonly _options: SendOptions;
}

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

/**
 * A bounded FIFO of outbound messages with byte accounting. Every message that leaves it
 * other than through {@link _shift} with `'written'` is reported to the sink, exactly once.
 *
 * Expiry (`maxAge`) runs on one timer that exists only while the queue holds something.
 * Members are `_`-named (internal to the socket) except those the facade reads.
 */
export class OutboundQueue {
  private _items: Entry[] = [];
  private _head = 0;
  private _totalBytes = 0;
  /**
   * Entries put at the front since the queue was last empty. Deadlines grow from front to
   * back except for these (a request resent after a reconnect is younger than what waits
   * behind it); while there are any, expiry looks at every entry, not just the front.
   */
  private _fronted = 0;
  /** Made when a message first waits with a finite `maxAge`. */
  private _expiryTimer: Timer | undefined;

  constructor(
    private readonly _limits: QueueLimits,
    private readonly _clock: Clock,
    private readonly _sink: DropSink,
  ) {}

  /** Messages waiting. */
  get length(): number {
    return this._items.length - this._head;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this._totalBytes;
  }

  /**
   * Adds a message; `false` (with a `drop` reported) when it does not fit.
   * `connectionOnly` messages are dropped by {@link _dropConnectionOnly} when the connection ends.
   */
  push(data: OutboundData, bytes: number, options: SendOptions = {}): boolean {
    const { maxMessages, maxBytes, overflow, maxAge } = this._limits;
    // Evicting cannot help a message that is larger than the whole queue.
    const evict = overflow !== 'reject' && bytes <= maxBytes;
    while (this.length >= maxMessages || this._totalBytes + bytes > maxBytes) {
      if (!evict || this.length === 0) {
        settle(this._sink, data, options, 'overflow');
        return false;
      }
      this._shift('overflow');
    }
    const entry: Entry = { _data: data, _bytes: bytes, _expires: this._clock.now() + maxAge, _options: options };
    if (options.front) {
      this._items.splice(this._head, 0, entry);
      this._fronted++;
    } else this._items.push(entry);
    this._totalBytes += bytes;
    if (this.length === 1) this._armExpiry();
    return true;
  }

  /** @internal The oldest message and its options, without removing it. */
  _first(): Entry | undefined {
    return this._items[this._head];
  }

  /**
   * @internal Removes the oldest message: written to the socket (`'written'`, the default),
   * or dropped, reported with `outcome`. Returns it.
   */
  _shift(outcome: Outcome = 'written'): OutboundData | undefined {
    const entry = this._take();
    if (entry) settle(this._sink, entry._data, entry._options, outcome);
    return entry?._data;
  }

  /**
   * @internal Removes every message waiting and returns them in order, reporting no drop: the caller
   * took them. A sender that waits on the outcome (a request) learns `'cancelled'`.
   */
  _takeAll(): OutboundData[] {
    const taken: OutboundData[] = [];
    for (let entry = this._take(); entry; entry = this._take()) {
      taken.push(entry._data);
      entry._options.onOutcome?.('cancelled');
    }
    return taken;
  }

  /** @internal Drops every message waiting, each reported with `reason`. */
  _clear(reason: DropReason): void {
    while (this.length > 0) this._shift(reason);
  }

  /** @internal Drops the messages marked `connectionOnly` (reason `'disconnected'`), keeping the others in order. */
  _dropConnectionOnly(): void {
    this._removeWhere((entry) => entry._options.connectionOnly, 'disconnected');
  }

  /** @internal Drops the messages whose `maxAge` has passed. Runs by itself on a timer, too. */
  _expire(): void {
    const now = this._clock.now();
    // Deadlines grow from the head back, so this loop stops at the first live one: expiring
    // costs what it drops, not what waits (unless entries were put at the front).
    for (let entry = this._first(); entry && entry._expires <= now; entry = this._first()) this._shift('expired');
    if (this._fronted > 0) this._removeWhere((entry) => entry._expires <= now, 'expired');
    this._expiryTimer?.stop();
    this._armExpiry();
  }

  /** Drops the entries `drop` picks, wherever they are, keeping the others in order. */
  private _removeWhere(drop: (entry: Entry) => boolean | undefined, reason: DropReason): void {
    const kept: Entry[] = [];
    const dropped: Entry[] = [];
    for (let i = this._head; i < this._items.length; i++) (drop(this._items[i]!) ? dropped : kept).push(this._items[i]!);
    if (dropped.length === 0) return;
    // The queue is consistent before any drop is reported: a `drop` listener may send again.
    this._items = kept;
    this._head = 0;
    for (const entry of dropped) this._totalBytes -= entry._bytes;
    if (kept.length === 0) this._emptied();
    for (const entry of dropped) settle(this._sink, entry._data, entry._options, reason);
  }

  private _take(): Entry | undefined {
    const entry = this._first();
    if (!entry) return undefined;
    this._head++;
    this._totalBytes -= entry._bytes;
    // Compact occasionally so shifting stays O(1) amortised without unbounded growth.
    if (this._head === this._items.length) this._emptied();
    else if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return entry;
  }

  /** Nothing waits: start afresh, with no expiry timer. */
  private _emptied(): void {
    this._items = [];
    this._head = this._fronted = 0;
    this._expiryTimer?.stop();
  }

  // The timer is set for the earliest deadline (the head's, unless entries were put at the
  // front) and not moved on every shift: when it fires early for a newer head, `_expire`
  // drops nothing and re-arms. That keeps shifting cheap.
  private _armExpiry(): void {
    if (this._expiryTimer?.pending || this.length === 0 || this._limits.maxAge === Infinity) return;
    let next = this._items[this._head]!._expires;
    if (this._fronted > 0) for (let i = this._head + 1; i < this._items.length; i++) next = Math.min(next, this._items[i]!._expires);
    (this._expiryTimer ??= new Timer(this._clock)).start(Math.max(0, next - this._clock.now()), () => inOperation(this._sink, () => this._expire()));
  }
}
