import { Timer, type Clock } from './clock';
import { byteLength, isBlob, snapshot, type OutboundData } from './data';
import type { Heartbeat } from './heartbeat';
import type { NativeSocket } from './native';
import type { DropSink } from './outbound-queue';
import type { ACK_BYTES, ACK_DELAY } from '../session/window';
import { decodeWelcome, isSessionProtocol, offerProtocols, type DATA_BYTE, type Hello, type SESSION_CLOSE, type SessionWindow } from '../session/protocol';

/** Bounds of what a session keeps until the server acknowledges it (API.md §8). */
export interface ResumeOptions {
  /**
   * Most messages written and not yet acknowledged; past it, new ones wait in the queue.
   * @default 65_536
   */
  maxMessages?: number;
  /**
   * Most bytes written and not yet acknowledged; past it, new ones wait in the queue.
   * @default 4_194_304
   */
  maxBytes?: number;
}

/** What the session needs from the socket that owns it; a message of unknown fate is dropped `'unconfirmed'`. */
export interface SessionHooks extends DropSink {
  /** The welcome arrived: the connection is ready for the application. */
  _sessionReady(resumed: boolean): void;
  /** Acknowledgements made room in the window: write what waits. */
  _sessionRoom(): void;
  /** The server broke the protocol: give up this connection. */
  _sessionBroken(what: string): void;
  /** The server does not speak the protocol: say so (once). */
  _sessionUnsupported(): void;
}

// No payload (a string, buffer or Blob) is undefined or null: these need not be Symbols.
/** Returned by {@link ClientSession._inbound}: the frame was the protocol's own. */
export const CONTROL = undefined;
/** Returned by {@link ClientSession._quick} for a frame that needs {@link ClientSession._inbound}. */
export const SLOW = null;
/** Session tokens, kept off the session object: a logged socket shows no secret. */
const tokens = new WeakMap<ClientSession, string>();

/**
 * The client side of the session protocol (docs/PROTOCOL.md) for one SteadySocket: it lives
 * across connections. It offers the protocol, says hello, frames and keeps what is written
 * until acknowledged, acknowledges what arrives, and after a reconnect resends only what the
 * server did not get — or, when the server lost the session, reports it `unconfirmed`.
 *
 * The two windows of the protocol are a few fields here (the server has its own classes in
 * src/session/window.ts): sequence numbers are implied by counts (the first data frame of a
 * session is 1), and nothing is kept per frame received.
 */
export class ClientSession {
  /** The server does not speak the protocol: the socket is plain from now on. */
  private _unsupported?: boolean;
  /** The next attempt should skip the backoff wait (once, after falling back). */
  private _retryNow?: boolean;
  /** What was written and not yet acknowledged, oldest first, with its size (its `length` is the socket's figure). */
  readonly _unacked: [OutboundData, number][] = [];
  /** The bytes of {@link _unacked}, as the window counts them. */
  _bytes!: number;
  /** Data frames of ours the server acknowledged in this session (so `_acked + _unacked.length` were sent). */
  private _acked!: number;
  /** Data frames of the server received (and delivered) in this session. */
  private _received!: number;
  /** Of them, how many (and how many bytes) were received since the last acknowledgement. */
  private _owed!: number;
  private _owedBytes!: number;
  /** The server's window, from its welcome: it paces our acknowledgements. */
  private _peer!: SessionWindow;
  /** The connection the session runs on, from the hello on (read by the socket: it speaks the protocol). */
  _ws?: NativeSocket | null;
  /** Whether data frames go out framed on `_ws` (from the welcome on; read by the socket, set here only). */
  _live?: boolean;
  /** Pending while an acknowledgement is owed (that is, while `_owed` > 0 on a live connection). */
  private readonly _ackTimer: Timer;

  constructor(
    private readonly _window: SessionWindow,
    clock: Clock,
    private readonly _hooks: SessionHooks,
    /** Told of every inbound frame (each proves life; a `Q` answers its ping). */
    private readonly _heartbeat: Heartbeat | null,
  ) {
    this._ackTimer = new Timer(clock);
    // Sets the counters (there is nothing to forget yet).
    this._forget();
  }

  /** The subprotocols to ask for, given the user's. */
  _offer(protocols: string | string[] | undefined): string | string[] | undefined {
    return this._unsupported ? protocols : offerProtocols([protocols ?? []].flat());
  }

  /**
   * The native socket opened. `true` when the server chose the session protocol: the hello
   * is written and the connection is ready only at the welcome.
   */
  _opened(ws: NativeSocket): boolean {
    // (A `protocol` that is undefined reads as 'undefined': not ours either.)
    if (this._unsupported || !isSessionProtocol(ws.protocol!)) {
      this._fallBack();
      return false;
    }
    this._ws = ws;
    const session = tokens.get(this);
    // JSON leaves out what is undefined: `session` and `received` only to resume (a token is
    // never ''). The count in a resume hello acknowledges as much.
    this._owed = this._owedBytes = 0;
    this._raw(`H${JSON.stringify({ v: 1, window: this._window, session, received: (session && this._received) as number | undefined } satisfies Hello)}`);
    return true;
  }

  /**
   * The attempt failed before opening. The `ws` package refuses a handshake in which the
   * server chose no subprotocol though some were asked for: then the server is plain, and the
   * next attempt goes at once, without asking.
   */
  _failed(message: string): void {
    if (/sent no subprotocol/i.test(message) && this._fallBack()) this._retryNow = true;
  }

  /** Whether the next attempt should skip the backoff wait (once, after falling back). */
  _takeRetryNow(): boolean | undefined {
    const now = this._retryNow;
    this._retryNow = false;
    return now;
  }

  /**
   * The hot path: a data frame on a welcomed connection gives the application's payload (it
   * changes no state the socket reports); anything else gives {@link SLOW}, for
   * {@link _inbound} inside an operation.
   */
  _quick(data: unknown): unknown {
    // A Blob's tag cannot be read synchronously: it is cut off unread. An untagged binary frame
    // goes the slow way too, to be refused there.
    if (!this._live || (typeof data === 'string' ? data[0] !== 'D' : !isBlob(data) && bytesOf(data)[0] !== (0x44 satisfies typeof DATA_BYTE))) return SLOW;
    // A view (Node's Buffer) is cut without a copy; text, an ArrayBuffer or a Blob by a copy.
    const payload = (data as Partial<Uint8Array>).subarray?.(1) ?? (data as string).slice(1);
    this._heartbeat?._seen(false);
    this._received++;
    // Acknowledge at once at half the server's window or ACK_BYTES, else ACK_DELAY after the
    // first frame owed (then the timer is pending till the ack). Text counts its UTF-16 units
    // here, which costs nothing (docs/PROTOCOL.md §3); a view its `length`, which is its bytes.
    if (
      ++this._owed * 2 >= this._peer.messages ||
      (this._owedBytes += payload.length ?? byteLength(payload as unknown as Blob)) * 2 >= this._peer.bytes ||
      this._owedBytes >= (524_288 satisfies typeof ACK_BYTES)
    )
      this._ack();
    else if (this._owed < 2) this._ackTimer.start(200 satisfies typeof ACK_DELAY, () => this._ack());
    return payload;
  }

  /**
   * Any other frame on the session's connection (docs/PROTOCOL.md, "Frames"): nothing (that is {@link CONTROL}).
   * Before the welcome nothing else may come; after it, data took the quick path.
   */
  _inbound(data: unknown): void {
    // Binary data took the quick path unless it had no tag.
    if (typeof data !== 'string' || (!this._live && data[0] !== 'W')) return this._hooks._sessionBroken(this._live ? 'untagged binary frame' : 'frame before the welcome');
    const tag = data.charAt(0);
    const rest = data.slice(1);
    this._heartbeat?._seen(tag === 'Q');
    if (tag === 'W') this._welcome(rest);
    // An ack's count: written as JavaScript writes the number (no sign, leading zero, space or
    // exponent: a count too big for that, or negative, or a fraction, fails _ackUpTo's checks).
    else if (tag === 'A' && rest === String(+rest) && this._ackUpTo(+rest)) this._hooks._sessionRoom();
    else if (tag === 'P') this._raw('Q' + rest);
    else if (data === 'B') {
      // The server ended the session: what it has not acknowledged may or may not have arrived.
      this._ack();
      this._forget();
    } else if (tag !== 'Q') this._hooks._sessionBroken(`bad frame '${tag}'`);
  }

  /**
   * Whether the window has room for a message of `bytes`. A message bigger than the whole
   * window still goes once nothing else is unacknowledged, or it could never be sent.
   */
  _hasRoom(bytes: number): boolean {
    const count = this._unacked.length;
    return !count || (count < this._window.messages && this._bytes + bytes <= this._window.bytes);
  }

  /** The wire form of a data message. */
  _frame(data: OutboundData): OutboundData {
    if (typeof data === 'string') return 'D' + data;
    // The text 'D' in a Blob is the byte 0x44.
    if (isBlob(data)) return new Blob(['D', data]);
    const bytes = new Uint8Array(data.byteLength + 1);
    bytes.set(bytesOf(data), 1);
    bytes[0] = 0x44 satisfies typeof DATA_BYTE;
    return bytes;
  }

  /**
   * `data` (of `size`: its bytes on the wire, data.ts's `byteLength`) was written: kept as it is now (the caller may change
   * a buffer after `send()`) until acknowledged, to be resent or handed back `unconfirmed`.
   */
  _written(data: OutboundData, size: number): void {
    this._unacked.push([snapshot(data), size]);
    this._bytes += size;
  }

  /** Says goodbye before a final close: the server may forget the session at once. */
  _bye(): void {
    if (this._live) {
      this._ack();
      this._raw('B');
    }
  }

  /** The connection is gone; the session waits for the next one. */
  _lost(code: number): void {
    this._ws = null;
    this._live = false;
    this._ackTimer.stop();
    // Another connection took the session over: it is not ours to resume any more. (The
    // number itself, checked against the protocol's table: the table stays out of the bundle.)
    if (code === (4012 satisfies (typeof SESSION_CLOSE)['replaced'])) this._forget();
  }

  /** The socket closed for good: whatever is unacknowledged is reported `unconfirmed` (as when replaced). */
  _end(): void {
    this._lost(4012);
  }

  private _welcome(json: string): void {
    const welcome = decodeWelcome(json);
    // A resume needs a session to resume, and the server's count must fit what was sent.
    if (!welcome || this._live || (welcome.resumed && (!tokens.has(this) || !this._ackUpTo(welcome.received)))) return this._hooks._sessionBroken('bad welcome');
    if (!welcome.resumed) this._forget();
    tokens.set(this, welcome.session);
    this._peer = welcome.window;
    this._live = true;
    for (const [data] of this._unacked) this._raw(this._frame(data));
    this._hooks._sessionReady(welcome.resumed);
  }

  /**
   * The server acknowledged our first `count` data frames. Not `true` when that is impossible
   * (more than was sent, or fewer than it acknowledged before): a protocol error.
   */
  private _ackUpTo(count: number): true | undefined {
    const newly = count - this._acked;
    if (newly >= 0 && !(newly % 1) && newly <= this._unacked.length) {
      this._acked = count;
      for (const [, size] of this._unacked.splice(0, newly)) this._bytes -= size;
      return true;
    }
  }

  /** Acknowledges what was received (only ever called on a live connection). */
  private _ack(): void {
    this._ackTimer.stop();
    if (this._owed) {
      this._owed = this._owedBytes = 0;
      this._raw('A' + this._received);
    }
  }

  /** The session is over: a later connection starts a new one. */
  private _forget(): void {
    tokens.delete(this);
    this._acked = this._received = this._owed = this._owedBytes = this._bytes = 0;
    for (const [data] of this._unacked.splice(0)) this._hooks._dropped(data, 'unconfirmed');
  }

  /** Falls back to plain connections; `true` when it did so now (it says so once). */
  private _fallBack(): true | undefined {
    if (!this._unsupported) {
      this._unsupported = true;
      this._forget();
      this._hooks._sessionUnsupported();
      return true;
    }
  }

  private _raw(frame: OutboundData): void {
    try {
      this._ws?.send(frame);
    } catch {
      // A connection that refuses to write is about to report its end; the frames stay kept.
    }
  }
}

/** The bytes of a buffer or a view, without a copy. An ArrayBuffer has no `buffer` or `byteOffset`: it is its own, from 0. */
function bytesOf(data: unknown): Uint8Array {
  type View = Partial<ArrayBufferView> & ArrayBuffer;
  return new Uint8Array((data as View).buffer ?? (data as View), (data as View).byteOffset, (data as View).byteLength);
}
