import { Timer, type Clock } from './clock';
import { byteLength, snapshot, type OutboundData } from './data';
import type { NativeSocket } from './native';
import type { QueueOptions } from './options';
import { OutboundQueue, inOperation, settle, type DropSink, type Outcome, type SendOptions } from './outbound-queue';
import { sizeOf, type ClientSession } from './session-link';

/**
 * Browsers have no drain event, so while messages wait above the high-water mark the
 * native buffer is polled this often (ms). Only then: an idle outbox has no timer.
 */
export const DRAIN_POLL_MS = 5;

/**
 * What a write came to: an outcome (`'written'`, or `'rejected'` by the native `send()`), or
 * it must wait: `false` for the buffer (polling will see it drain), `true` when the session's
 * window is full (an acknowledgement, not the buffer, will make room: no polling).
 */
type WriteResult = Outcome | boolean;

/**
 * The write path: writes through to the open native socket while its buffer is at or
 * below `highWaterMark`, else keeps messages in the bounded queue and drains it, in
 * order, as the buffer empties. Nothing sent later overtakes anything queued earlier.
 */
export class Outbox {
  /** @internal */
  readonly _queue: OutboundQueue;
  /** @internal Messages written to a native socket (pings excluded). */
  _sent = 0;
  /** The native socket, only while it is open. */
  private _ws: NativeSocket | null = null;
  /** Made on first use: an idle socket needs none. */
  private _drainTimer: Timer | undefined;
  /**
   * Where the runtime reports no bufferedAmount (React Native): the bytes we wrote, as of
   * `_estimatedAt`, assumed to drain one high-water mark per second — bounded if pessimistic
   * on fast links; without it a fast producer would write without limit (Android's OkHttp
   * closes the socket once 16 MiB are waiting).
   */
  private _estimated = 0;
  private _estimatedAt = 0;
  /** The queue's length and bytes when {@link _changed} last looked (two fields, not an array: every socket has them). */
  private _seenLength = 0;
  private _seenBytes = 0;

  constructor(
    private readonly _limits: Readonly<Required<QueueOptions>>,
    private readonly _clock: Clock,
    private readonly _sink: DropSink,
    private readonly _session: ClientSession | null,
  ) {
    this._queue = new OutboundQueue(_limits, _clock, _sink);
  }

  /** @internal Bytes `ws` holds, also while it is closing (by default the open one's; none without one). */
  _buffered(ws: NativeSocket | null = this._ws): number {
    if (!ws) return 0;
    const reported = ws.bufferedAmount;
    return typeof reported === 'number'
      ? reported
      : this._estimated && Math.max(0, this._estimated - ((this._clock.now() - this._estimatedAt) * Math.max(this._limits.highWaterMark, 1)) / 1000);
  }

  /** @internal The queue's figures if they changed since the last call, else `undefined`. */
  _changed(): { length: number; bytes: number } | undefined {
    const { length, bytes } = this._queue;
    if (length === this._seenLength && bytes === this._seenBytes) return undefined;
    this._seenLength = length;
    this._seenBytes = bytes;
    return { length, bytes };
  }

  /** A connection opened: what waits goes first, then sends write through. */
  open(ws: NativeSocket): void {
    this._ws = ws;
    this._estimated = 0;
    this.flush();
  }

  /** @internal The connection is gone: messages meant only for it are dropped, the rest wait. */
  _lost(): void {
    this._ws = null;
    this._drainTimer?.stop();
    this._queue._dropConnectionOnly();
  }

  /**
   * Closed for good. With `flush`, waiting messages are handed to the still-open native
   * socket first (as the native `send(); close()` would deliver them); the rest are dropped.
   */
  close(flush: boolean): void {
    if (flush) this._drain(true);
    this._ws = null;
    this._drainTimer?.stop();
    this._queue._clear('closed');
  }

  /** Writes now if nothing waits and the buffer allows, else queues. `false` when dropped. */
  send(data: OutboundData, options: SendOptions = {}): boolean {
    if (this._queue.length === 0) {
      const result = this._write(data, false);
      if (typeof result === 'string') {
        settle(this._sink, data, options, result);
        return result === 'written';
      }
    }
    // It waits: keep its bytes as they are now, as the native send() would.
    if (!this._queue.push(snapshot(data), byteLength(data), options)) return false;
    this.flush();
    return true;
  }

  /**
   * Writes what waits, as far as the buffer and the session's window allow, and polls the
   * buffer while something still waits for it.
   */
  flush(): void {
    if (!this._ws) return;
    const full = this._drain(false);
    if (this._queue.length === 0 || !this._ws || full) this._drainTimer?.stop();
    else if (!this._drainTimer?.pending) (this._drainTimer ??= new Timer(this._clock)).start(DRAIN_POLL_MS, () => inOperation(this._sink, () => this.flush()));
  }

  /** Writes a heartbeat ping at once: it must not wait behind queued data. */
  ping(data: OutboundData): boolean {
    return this._write(data, true, false) === 'written';
  }

  private _write(data: OutboundData, force: boolean, count = true): WriteResult {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1 || (!force && this._buffered(ws) > this._limits.highWaterMark)) return false;
    // In a session, a data message goes framed, and only while the window has room (also at
    // close(): PROTOCOL.md §5 allows no more; the rest is dropped there).
    const session = count && this._session?._live ? this._session : undefined;
    const size = session ? sizeOf(data) : 0;
    if (session && !session._hasRoom(size)) return true;
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
    if (count) this._sent++;
    return 'written';
  }

  /**
   * Writes queued messages in order while they may be written; a refused or cancelled one
   * is dropped. Returns whether the session's window stopped it.
   */
  private _drain(force: boolean): boolean {
    const queue = this._queue;
    for (let entry = queue._first(); entry; entry = queue._first()) {
      const result = entry._options.signal?.aborted ? 'cancelled' : this._write(entry._data, force);
      if (typeof result === 'boolean') return result;
      queue._shift(result);
    }
    return false;
  }
}
