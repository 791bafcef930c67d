import type { SessionWindow } from './protocol';

// The reference server's windows. The client keeps the same rules in a few fields of its
// ClientSession (src/socket/session-link.ts), which costs its bundle less than these classes;
// ACK_DELAY and ACK_BYTES are its figures too (it checks its numbers against them).

/**
 * The sending side of a session: every data frame written and not yet acknowledged, in
 * order, with its sequence number implied by its place (the first frame of a session is 1).
 * Bounded by the sender's own window: while `full`, new frames must wait in the caller's queue.
 *
 * `F` is the frame as kept for resending (its wire form).
 */
export class Unacked<F> {
  /** Data frames written in this session. */
  sent = 0;
  /** The peer's acknowledgement: its first `acked` frames arrived. */
  acked = 0;
  private _frames: F[] = [];
  private _sizes: number[] = [];
  private _head = 0;
  private _bytes = 0;

  constructor(readonly window: SessionWindow) {}

  /** Frames waiting for an acknowledgement. */
  get length(): number {
    return this.sent - this.acked;
  }

  /** Their payload bytes. */
  get bytes(): number {
    return this._bytes;
  }

  /**
   * Whether the window is used up. A frame bigger than the whole window still goes once
   * nothing else is unacknowledged, or it could never be sent.
   */
  full(nextBytes = 0): boolean {
    const length = this.length;
    return length > 0 && (length >= this.window.messages || this._bytes + nextBytes > this.window.bytes);
  }

  /** A data frame was written. */
  push(frame: F, bytes: number): void {
    this._frames.push(frame);
    this._sizes.push(bytes);
    this._bytes += bytes;
    this.sent++;
  }

  /**
   * The peer acknowledged its first `count` frames. `false` when that is impossible (more
   * than was sent, or fewer than it acknowledged before): a protocol error.
   */
  ack(count: number): boolean {
    if (count > this.sent || count < this.acked) return false;
    for (; this.acked < count; this.acked++) this._bytes -= this._sizes[this._head++]!;
    // Compact now and then rather than shift() per frame.
    if (this._head > 1024 && this._head * 2 > this._frames.length) {
      this._frames.splice(0, this._head);
      this._sizes.splice(0, this._head);
      this._head = 0;
    }
    return true;
  }

  /** The unacknowledged frames, oldest first, to resend after a resume. */
  pending(): F[] {
    return this._frames.slice(this._head);
  }

  /** Forgets everything (a new session): returns the frames whose delivery is unknown. */
  reset(): F[] {
    const lost = this.pending();
    this._frames = [];
    this._sizes = [];
    this._head = this._bytes = this.sent = this.acked = 0;
    return lost;
  }
}

/** Ms after the first unacknowledged frame by which an acknowledgement goes out at the latest. */
export const ACK_DELAY = 200;
/**
 * Payload bytes after which an acknowledgement goes out at once, whatever the windows: a
 * sender that paces itself by `bufferedAmount` (which counts what is unacknowledged) then
 * never waits on the delay.
 */
export const ACK_BYTES = 524_288;

/**
 * The receiving side: counts data frames and decides when to acknowledge. At once when
 * half the peer's window, or {@link ACK_BYTES}, is unacknowledged (so a fast sender never
 * stalls on us), else {@link ACK_DELAY} ms after the first frame that is not.
 */
export class Received {
  /** Data frames received (and delivered) in this session. */
  count = 0;
  private _ackedCount = 0;
  private _unackedBytes = 0;

  /**
   * A data frame of `bytes` arrived. `true` when an ack should go now, else within
   * {@link ACK_DELAY} (the caller arms its timer unless it is pending).
   */
  add(bytes: number, peer: SessionWindow): boolean {
    this._unackedBytes += bytes;
    return ++this.count - this._ackedCount >= peer.messages / 2 || this._unackedBytes * 2 >= peer.bytes || this._unackedBytes >= ACK_BYTES;
  }

  /** Whether anything awaits an acknowledgement. */
  get owed(): boolean {
    return this.count !== this._ackedCount;
  }

  /** An ack of `count` is being written (or the count went in a hello or welcome, which acknowledges as much). */
  acked(): number {
    this._ackedCount = this.count;
    this._unackedBytes = 0;
    return this.count;
  }

  /** A new session: nothing received yet. */
  reset(): void {
    this.count = this._ackedCount = this._unackedBytes = 0;
  }
}
