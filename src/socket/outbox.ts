import { Timer, type Clock } from './clock';
import { byteLength, snapshot, type OutboundData } from './data';
import type { NativeSocket } from './native';
import type { QueueOptions } from './options';
import type { DropReason, DropSink, Outcome, SendOptions } from './outbound-queue';
import type { ClientSession } from './session-link';
import type { TAG } from '../session/protocol';

/**
 * Browsers have no drain event, so while messages wait above the high-water mark the
 * native buffer is polled this often (ms). Only then: an idle outbox has no timer.
 */
export const DRAIN_POLL_MS = 5;

/** @internal A link of the queue's chain: an entry, or the outbox itself (the chain's anchor). */
export interface Link {
  /** The next entry (the anchor's: the first). */
  _next?: Entry | undefined;
}

// Short internal names: the build shortens `_x` properties only, and there is one per message.
/** @internal A message waiting, with what the outbox knows of it. */
export interface Entry extends Link {
  readonly _data: OutboundData;
  readonly _bytes: number;
  readonly _expires: number;
  readonly _options: SendOptions;
}

/**
 * The write path and its queue. It writes through to the open native socket while its buffer
 * is at or below `highWaterMark`; else messages wait in a bounded FIFO (by messages and bytes,
 * with `maxAge`) and go, in order, as the buffer empties. Nothing sent later overtakes
 * anything queued earlier. Every message that leaves the queue other than written is reported
 * to the sink, exactly once, and only once the queue is consistent again (a `drop` listener
 * may send).
 *
 * The queue is a chain of entries, anchored on the outbox itself (its `_next` is the first, so
 * an empty queue is no special case): pushing at either end and shifting are O(1), and taking
 * an entry out of the middle too (no array to compact). Expiry runs on one timer that exists
 * only while something waits; the drain poll on another, only while something waits for the
 * buffer.
 */
export class Outbox implements Link {
  /** @internal Messages written to a native socket (pings excluded). */
  _sent = 0;
  /** @internal Messages waiting. */
  _length = 0;
  /** @internal Bytes waiting. */
  _bytes = 0;
  /** @internal The oldest message waiting: the first of the chain. */
  _next: Entry | undefined;
  /** The last link of the chain: the outbox itself while nothing waits. */
  private _last: Link = this;
  /** The native socket, only while it is open. */
  private _ws: NativeSocket | null | undefined;
  /** Made on first use: an idle socket needs none. */
  private _expiry: Timer | undefined;
  private _poll: Timer | undefined;
  /**
   * Where the runtime reports no bufferedAmount (React Native): the bytes we wrote, as of
   * `_estimatedAt`, assumed to drain one high-water mark per second — bounded if pessimistic
   * on fast links; without it a fast producer would write without limit (Android's OkHttp
   * closes the socket once 16 MiB are waiting).
   */
  private _estimated = 0;
  private _estimatedAt!: number;
  /** The queue's length and bytes when {@link _changed} last looked (two fields, not an array: every socket has them). */
  private _seenLength = 0;
  private _seenBytes = 0;

  constructor(
    private readonly _limits: Readonly<Required<QueueOptions>>,
    private readonly _clock: Clock,
    private readonly _sink: DropSink,
    private readonly _session: ClientSession | null,
  ) {}

  /** @internal Bytes `ws` holds, also while it is closing (by default the open one's; none without one). */
  _buffered(ws: NativeSocket | null | undefined = this._ws): number {
    if (!ws) return 0;
    const reported = ws.bufferedAmount;
    return typeof reported === 'number'
      ? reported
      : this._estimated && Math.max(0, this._estimated - ((this._clock.now() - this._estimatedAt) * Math.max(this._limits.highWaterMark, 1)) / 1000);
  }

  /** @internal The queue's figures if they changed since the last call, else `undefined`. */
  _changed(): { length: number; bytes: number } | undefined {
    const length = this._length;
    const bytes = this._bytes;
    if (length !== this._seenLength || bytes !== this._seenBytes) return { length: (this._seenLength = length), bytes: (this._seenBytes = bytes) };
    return undefined;
  }

  /** A connection opened: what waits goes first, then sends write through. */
  open(ws: NativeSocket): void {
    this._ws = ws;
    this._estimated = 0;
    this.flush();
  }

  /**
   * @internal The connection is gone: messages meant only for it are dropped, the rest wait;
   * `closed` for good, all are dropped.
   */
  _lost(closed?: boolean): void {
    this._ws = null;
    this._poll?.stop();
    if (!closed) this._remove((entry) => entry._options.connectionOnly, 'disconnected');
    else while (this._next) this._shift('closed');
  }

  /**
   * Closed for good. With `flush`, waiting messages are handed to the still-open native
   * socket first (as the native `send(); close()` would deliver them); the rest are dropped.
   */
  close(flush: boolean): void {
    if (flush) this.flush(true);
    this._lost(true);
  }

  /**
   * Writes now if nothing waits and the buffer allows, else queues. `false` when dropped
   * (the queue was full: `'overflow'`; or the native `send()` refused it).
   */
  send(data: OutboundData, options: SendOptions): boolean {
    if (!this._length) {
      const result = this._write(data);
      if (typeof result === 'string') {
        this._settle(data, options, result);
        return result === 'written';
      }
    }
    // It waits: keep its bytes as they are now, as the native send() would.
    data = snapshot(data);
    const bytes = byteLength(data);
    const { maxMessages, maxBytes, overflow, maxAge } = this._limits;
    // Evicting cannot help a message that is larger than the whole queue.
    const evict = overflow !== 'reject' && bytes <= maxBytes;
    while (this._length >= maxMessages || this._bytes + bytes > maxBytes) {
      if (!evict || !this._length) {
        this._settle(data, options, 'overflow');
        return false;
      }
      this._shift('overflow');
    }
    const entry: Entry = { _data: data, _bytes: bytes, _expires: this._clock.now() + maxAge, _options: options };
    if (options.front && this._next) {
      entry._next = this._next;
      this._next = entry;
    } else this._last = this._last._next = entry;
    // No expiry timer at all (not even an idle one) without maxAge.
    if (!this._length++ && maxAge < Infinity) this._expireIn(maxAge);
    this._bytes += bytes;
    this.flush();
    return true;
  }

  /**
   * Writes what waits, in order, as far as the buffer (unless `force`) and the session's window
   * allow; a refused or cancelled message is dropped. Polls the buffer while something still
   * waits for it.
   */
  flush(force?: boolean): void {
    if (!this._ws) return;
    let result: Outcome | boolean | undefined;
    for (let entry = this._next; entry; entry = this._next) {
      result = entry._options.signal?.aborted ? 'cancelled' : this._write(entry._data, force);
      if (typeof result === 'boolean') break;
      this._shift(result);
    }
    // Only the buffer (`false`, the message still waiting) is polled for: an acknowledgement, not
    // the buffer, makes room in a full window (`true`); nothing else waits.
    if (result !== false || !this._ws) this._poll?.stop();
    else if (!this._poll?.pending) (this._poll ??= new Timer(this._clock)).start(DRAIN_POLL_MS, () => this._sink._operation(() => this.flush()));
  }

  /**
   * @internal Removes the oldest message: written (`'written'`), or dropped and reported with
   * `outcome`; `silent`, only its sender learns the outcome. Returns it.
   */
  _shift(outcome: Outcome, silent?: boolean): OutboundData {
    const entry = this._next!;
    this._unlink(this, entry);
    this._settle(entry._data, entry._options, outcome, silent);
    return entry._data;
  }

  /**
   * @internal Removes every message waiting and returns them in order, reporting no drop: the caller
   * took them. A sender that waits on the outcome (a request) learns `'cancelled'`.
   */
  _takeAll(): OutboundData[] {
    const taken: OutboundData[] = [];
    while (this._next) taken.push(this._shift('cancelled', true));
    return taken;
  }

  /**
   * @internal Writes `data` now, past the buffer's mark with `force`, and says what came of it:
   * an outcome (`'written'`, or `'rejected'` by the native `send()`), or it must wait: `false`
   * for the buffer (polling will see it drain), `true` when the session's window is full (an
   * acknowledgement, not the buffer, will make room: no polling). The heartbeat writes its
   * pings here (`force`, `ping`): at once, never behind queued data, unframed and uncounted.
   */
  _write(data: OutboundData, force?: boolean, ping?: boolean): Outcome | boolean {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1 || (!force && this._buffered(ws) > this._limits.highWaterMark)) return false;
    // In a session, a data message goes framed, and only while the window has room (also at
    // close(): PROTOCOL.md §5 allows no more; the rest is dropped there).
    let session = this._session;
    let size = 0;
    if (ping || !session?._live) {
      // A heartbeat ping goes at once, unframed; in a session, the protocol's own ping (its
      // tag, checked against TAG: no table in the bundle).
      if (ping && session?._live) data = 'P' satisfies typeof TAG.ping;
      session = null;
      // The session counts a message by its bytes on the wire (`byteLength`).
    } else if (!session._hasRoom((size = byteLength(data)))) return true;
    try {
      ws.send(session ? session._frame(data) : data);
    } catch {
      // The socket is open and took no exception to its state: it refuses this message.
      return 'rejected';
    }
    session?._written(data, size);
    if (typeof ws.bufferedAmount !== 'number') {
      this._estimated = this._buffered(ws) + byteLength(data);
      this._estimatedAt = this._clock.now();
    }
    if (!ping) this._sent++;
    return 'written';
  }

  /**
   * Drops the entries `drop` picks, keeping the others in order, each reported with `reason`
   * once the queue is consistent. `expiring`, it stops at the first entry it keeps that was
   * not put at the front: deadlines grow from front to back except for those (a request
   * resent after a reconnect is younger than what waits behind it), which sit ahead of all
   * the others. So expiring costs what it drops, not what waits.
   */
  private _remove(drop: (entry: Entry) => unknown, reason: DropReason, expiring?: boolean): void {
    const dropped: Entry[] = [];
    let kept: Link = this;
    for (let entry = this._next; entry; entry = entry._next) {
      if (drop(entry)) {
        dropped.push(entry);
        this._unlink(kept, entry);
      } else if (!expiring || entry._options.front) kept = entry;
      else break;
    }
    for (const entry of dropped) this._settle(entry._data, entry._options, reason);
  }

  /** Takes `entry` out of the chain, after `before`. When nothing waits any more, no expiry timer runs. */
  private _unlink(before: Link, entry: Entry): void {
    before._next = entry._next;
    if (entry === this._last) this._last = before;
    this._length--;
    this._bytes -= entry._bytes;
    if (!this._next) this._expiry?.stop();
  }

  // The timer is set for the earliest deadline, from the first message that waits on (none for
  // `Infinity`: no maxAge, or nothing left), and not moved on every shift: when it fires early
  // for a newer head, it drops nothing and is set again. That keeps shifting cheap.
  private _expireIn(ms: number): void {
    (this._expiry ??= new Timer(this._clock)).start(ms, () =>
      this._sink._operation(() => {
        const now = this._clock.now();
        let next = Infinity;
        // The earliest deadline left is among the entries the walk keeps (the others are later).
        const expired = (entry: Entry): boolean => {
          if (entry._expires <= now) return true;
          next = Math.min(next, entry._expires);
          return false;
        };
        this._remove(expired, 'expired', true);
        // Unless a drop listener took what waits, or sent into the emptied queue (which armed it).
        if (this._next && !this._expiry!.pending) this._expireIn(next - now);
      }),
    );
  }

  /** Tells the sink (unless it was written, or `silent`) and the sender what became of a message. */
  private _settle(data: OutboundData, options: SendOptions, outcome: Outcome, silent?: boolean): void {
    if (outcome !== 'written' && !silent) this._sink._dropped(data, outcome);
    options.onOutcome?.(outcome);
  }
}
