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

interface Entry {
  readonly data: OutboundData;
  readonly bytes: number;
  readonly expires: number;
  readonly options: SendOptions;
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
 * other than through {@link shift} is reported to the sink, exactly once.
 *
 * Expiry (`maxAge`) runs on one timer that exists only while the queue holds something.
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
    private readonly limits: QueueLimits,
    private readonly clock: Clock,
    private readonly sink: DropSink,
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
   * `connectionOnly` messages are dropped by {@link dropConnectionOnly} when the connection ends.
   */
  push(data: OutboundData, bytes: number, options: SendOptions = {}): boolean {
    const { maxMessages, maxBytes, overflow } = this.limits;
    const fits = () => this.length < maxMessages && this._totalBytes + bytes <= maxBytes;
    if (!fits()) {
      // Evicting cannot help a message that is larger than the whole queue.
      if (overflow === 'reject' || bytes > maxBytes || maxMessages === 0) {
        this.sink._dropped(data, 'overflow');
        options.onOutcome?.('overflow');
        return false;
      }
      while (!fits()) this.discard('overflow');
    }
    const entry: Entry = { data, bytes, expires: this.clock.now() + this.limits.maxAge, options };
    if (options.front) {
      this._items.splice(this._head, 0, entry);
      this._fronted++;
    } else this._items.push(entry);
    this._totalBytes += bytes;
    if (this.length === 1) this._armExpiry();
    return true;
  }

  /** Whether the oldest message's sender gave up on it (it is then discarded as `'cancelled'`). */
  headCancelled(): boolean {
    return this._items[this._head]?.options.signal?.aborted === true;
  }

  /** The oldest message, without removing it. */
  peek(): OutboundData | undefined {
    return this._head < this._items.length ? this._items[this._head]!.data : undefined;
  }

  /** Removes the oldest message because it was written to the socket. */
  shift(): OutboundData | undefined {
    const entry = this._take();
    if (this.length === 0) this._expiryTimer?.stop();
    entry?.options.onOutcome?.('written');
    return entry?.data;
  }

  /** Drops the oldest message, reported with `reason`. */
  discard(reason: DropReason): void {
    const entry = this._take();
    if (!entry) return;
    if (this.length === 0) this._expiryTimer?.stop();
    this._report(entry, reason);
  }

  /**
   * Removes every message waiting and returns them in order, reporting no drop: the caller
   * took them. A sender that waits on the outcome (a request) learns `'cancelled'`.
   */
  takeAll(): OutboundData[] {
    this._expiryTimer?.stop();
    const taken: OutboundData[] = [];
    for (let entry = this._take(); entry; entry = this._take()) {
      taken.push(entry.data);
      entry.options.onOutcome?.('cancelled');
    }
    return taken;
  }

  /** Drops every message waiting, each reported with `reason`. */
  clear(reason: DropReason): void {
    this._expiryTimer?.stop();
    while (this.length > 0) this._report(this._take()!, reason);
  }

  /** Drops the messages marked `connectionOnly` (reason `'disconnected'`), keeping the others in order. */
  dropConnectionOnly(): void {
    this._removeWhere((entry) => entry.options.connectionOnly === true, 'disconnected');
  }

  /** Drops the messages whose `maxAge` has passed. Runs by itself on a timer, too. */
  expire(): void {
    const now = this.clock.now();
    while (this._head < this._items.length && this._items[this._head]!.expires <= now) this._report(this._take()!, 'expired');
    if (this._fronted > 0) this._removeWhere((entry) => entry.expires <= now, 'expired');
    this._expiryTimer?.stop();
    this._armExpiry();
  }

  /** Drops the entries `drop` picks, wherever they are, keeping the others in order. */
  private _removeWhere(drop: (entry: Entry) => boolean, reason: DropReason): void {
    if (!this._items.some((entry, i) => i >= this._head && drop(entry))) return;
    const kept: Entry[] = [];
    const dropped: Entry[] = [];
    for (let i = this._head; i < this._items.length; i++) {
      const entry = this._items[i]!;
      (drop(entry) ? dropped : kept).push(entry);
    }
    this._items = kept;
    this._head = 0;
    for (const entry of dropped) this._totalBytes -= entry.bytes;
    if (kept.length === 0) {
      this._fronted = 0;
      this._expiryTimer?.stop();
    }
    for (const entry of dropped) this._report(entry, reason);
  }

  private _report(entry: Entry, reason: DropReason): void {
    this.sink._dropped(entry.data, reason);
    entry.options.onOutcome?.(reason);
  }

  private _take(): Entry | undefined {
    if (this._head >= this._items.length) return undefined;
    const entry = this._items[this._head]!;
    this._head++;
    this._totalBytes -= entry.bytes;
    // Compact occasionally so shifting stays O(1) amortised without unbounded growth.
    if (this._head === this._items.length) {
      this._items = [];
      this._head = 0;
      this._fronted = 0;
    } else if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return entry;
  }

  // The timer is set for the earliest deadline (the head's, unless entries were put at the
  // front) and not moved on every shift: when it fires early for a newer head, `expire`
  // drops nothing and re-arms. That keeps shift() cheap.
  private _armExpiry(): void {
    if (this._expiryTimer?.pending || this.length === 0 || this.limits.maxAge === Infinity) return;
    let next = this._items[this._head]!.expires;
    if (this._fronted > 0) for (let i = this._head + 1; i < this._items.length; i++) next = Math.min(next, this._items[i]!.expires);
    (this._expiryTimer ??= new Timer(this.clock)).start(Math.max(0, next - this.clock.now()), () => (this.sink._operation ? this.sink._operation(() => this.expire()) : this.expire()));
  }
}
