import { BufferEstimate } from './buffer-estimate';
import { Timer, type Clock } from './clock';
import { byteLength, snapshot, type OutboundData } from './data';
import type { NativeSocket } from './native';
import type { QueueOptions } from './options';
import { OutboundQueue, type DropSink, type SendOptions } from './outbound-queue';
import { sizeOf, type ClientSession } from './session-link';

/**
 * Browsers have no drain event, so while messages wait above the high-water mark the
 * native buffer is polled this often (ms). Only then: an idle outbox has no timer.
 */
export const DRAIN_POLL_MS = 5;

const WRITTEN = 0;
const WAIT = 1;
const REJECTED = 2;
/** The session's window is full: an acknowledgement, not the buffer, will make room (no polling). */
const FULL = 3;
type WriteResult = typeof WRITTEN | typeof WAIT | typeof REJECTED | typeof FULL;

/**
 * The write path: writes through to the open native socket while its buffer is at or
 * below `highWaterMark`, else keeps messages in the bounded queue and drains it, in
 * order, as the buffer empties. Nothing sent later overtakes anything queued earlier.
 */
export class Outbox {
  readonly queue: OutboundQueue;
  /** Messages written to a native socket (pings excluded). */
  sent = 0;
  /** The native socket, only while it is open. */
  private _ws: NativeSocket | null = null;
  // Both made on first use: an idle socket on a runtime that reports bufferedAmount needs neither.
  private _estimateMade: BufferEstimate | undefined;
  private _drainTimer: Timer | undefined;
  /** The queue's length and bytes when {@link changed} last looked (two fields, not an array: every socket has them). */
  private _seenLength = 0;
  private _seenBytes = 0;

  constructor(
    private readonly limits: Readonly<Required<QueueOptions>>,
    private readonly clock: Clock,
    private readonly sink: DropSink,
    private readonly session: ClientSession | null,
  ) {
    this.queue = new OutboundQueue(limits, clock, sink);
  }

  /**
   * Where the runtime reports no bufferedAmount (React Native), our estimate: the link is
   * assumed to drain one high-water mark per second, bounded if pessimistic on fast links.
   */
  private get _estimate(): BufferEstimate {
    return (this._estimateMade ??= new BufferEstimate(this.clock, Math.max(this.limits.highWaterMark, 1)));
  }

  /** Bytes the open native socket holds (or, where it does not say, our estimate). */
  get nativeBuffered(): number {
    return this._ws ? this.bufferedOf(this._ws) : 0;
  }

  /** Bytes `ws` holds, also while it is closing. */
  bufferedOf(ws: NativeSocket): number {
    const reported = ws.bufferedAmount;
    return typeof reported === 'number' ? reported : this._estimate.current();
  }

  /** The queue's figures if they changed since the last call, else `undefined`. */
  changed(): { length: number; bytes: number } | undefined {
    const { length, bytes } = this.queue;
    if (length === this._seenLength && bytes === this._seenBytes) return undefined;
    this._seenLength = length;
    this._seenBytes = bytes;
    return { length, bytes };
  }

  /** A connection opened: what waits goes first, then sends write through. */
  open(ws: NativeSocket): void {
    this._ws = ws;
    this._estimateMade?.reset();
    this._flush();
  }

  /** The connection is gone: messages meant only for it are dropped, the rest wait. */
  lost(): void {
    this._ws = null;
    this._drainTimer?.stop();
    this.queue.dropConnectionOnly();
  }

  /**
   * Closed for good. With `flush`, waiting messages are handed to the still-open native
   * socket first (as the native `send(); close()` would deliver them); the rest are dropped.
   */
  close(flush: boolean): void {
    if (flush) this._drain(true);
    this._ws = null;
    this._drainTimer?.stop();
    this.queue.clear('closed');
  }

  /** Writes now if nothing waits and the buffer allows, else queues. `false` when dropped. */
  send(data: OutboundData, options: SendOptions = {}): boolean {
    const track = options.onOutcome;
    if (this.queue.length === 0) {
      const result = this._write(data, false);
      if (result === WRITTEN) {
        track?.('written');
        return true;
      }
      if (result === REJECTED) {
        this.sink._dropped(data, 'rejected');
        track?.('rejected');
        return false;
      }
    }
    // It waits: keep its bytes as they are now, as the native send() would.
    if (!this.queue.push(snapshot(data), byteLength(data), options)) return false;
    if (this._ws) this._flush();
    return true;
  }

  /** Writes what waits, as far as the buffer and the session's window allow. */
  flush(): void {
    if (this._ws) this._flush();
  }

  /** Writes a heartbeat ping at once: it must not wait behind queued data. */
  ping(data: OutboundData): boolean {
    return this._write(data, true, false) === WRITTEN;
  }

  private _write(data: OutboundData, force: boolean, count = true): WriteResult {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1) return WAIT;
    const reported = ws.bufferedAmount;
    const known = typeof reported === 'number';
    if (!force && (known ? reported : this._estimate.current()) > this.limits.highWaterMark) return WAIT;
    // In a session, a data message goes framed, and only while the window has room (also at
    // close(): PROTOCOL.md §5 allows no more; the rest is dropped there).
    const session = count && this.session?.live ? this.session : undefined;
    const size = session ? sizeOf(data) : 0;
    if (session && !session.hasRoom(size)) return FULL;
    const wire = session ? session.frame(data) : data;
    try {
      ws.send(wire);
    } catch {
      // The socket is open and took no exception to its state: it refuses this message.
      return REJECTED;
    }
    session?.written(data, size);
    if (!known) this._estimate.add(byteLength(data));
    if (count) this.sent++;
    return WRITTEN;
  }

  /** Writes queued messages in order while they may be written; a refused one is dropped. */
  private _drain(force: boolean): WriteResult {
    for (let next = this.queue.peek(); next !== undefined; next = this.queue.peek()) {
      if (this.queue.headCancelled()) {
        this.queue.discard('cancelled');
        continue;
      }
      const result = this._write(next, force);
      if (result === WAIT || result === FULL) return result;
      if (result === WRITTEN) this.queue.shift();
      else this.queue.discard('rejected');
    }
    return WRITTEN;
  }

  private _flush(): void {
    const stopped = this._drain(false);
    if (this.queue.length === 0 || !this._ws || stopped === FULL) this._drainTimer?.stop();
    else if (!this._drainTimer?.pending) (this._drainTimer ??= new Timer(this.clock)).start(DRAIN_POLL_MS, () => (this.sink._operation ? this.sink._operation(() => this._flush()) : this._flush()));
  }
}
