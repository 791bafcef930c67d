import { Timer, type Clock } from './clock';
import { byteLength, snapshot, type OutboundData } from './data';
import type { Heartbeat } from './heartbeat';
import type { NativeSocket } from './native';
import type { DropSink } from './outbound-queue';
import { ACK_DELAY, Received, Unacked } from '../session/window';
import { ackCount, DATA_BYTE, decodeWelcome, isSessionProtocol, offerProtocols, type Hello, type SESSION_CLOSE, type SessionWindow } from '../session/protocol';

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
 */
export class ClientSession {
  /** The server does not speak the protocol: the socket is plain from now on. */
  private _unsupported = false;
  /** What was written and not yet acknowledged (its `length` and `bytes` are the socket's figures). */
  readonly _unacked: Unacked<OutboundData>;
  private readonly _received = new Received();
  private _peer: SessionWindow;
  /** The connection the session runs on, from the hello on (read by the socket: it speaks the protocol). */
  _ws: NativeSocket | null = null;
  /** Whether data frames go out framed on `_ws` (from the welcome on; read by the socket, set here only). */
  _live = false;
  private _ackTimer: Timer | undefined;
  private _retryNow = false;

  constructor(
    window: SessionWindow,
    private readonly _clock: Clock,
    private readonly _hooks: SessionHooks,
    /** Told of every inbound frame (each proves life; a `Q` answers its ping). */
    private readonly _heartbeat: Heartbeat | null,
  ) {
    this._unacked = new Unacked(window);
    this._peer = window;
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
    if (this._unsupported) return false;
    if (!isSessionProtocol(ws.protocol ?? '')) return this._fallBack();
    this._ws = ws;
    const session = tokens.get(this);
    // JSON leaves out what is undefined: `session` and `received` only to resume. The count in
    // a resume hello acknowledges as much.
    const hello: Hello = { v: 1, window: this._unacked.window, session, received: session ? this._received.acked() : undefined };
    this._raw(`H${JSON.stringify(hello)}`);
    return true;
  }

  /**
   * The attempt failed before opening. The `ws` package refuses a handshake in which the
   * server chose no subprotocol though some were asked for: then the server is plain, and the
   * next attempt goes at once, without asking.
   */
  _failed(message: string): void {
    if (!this._unsupported && /sent no subprotocol/i.test(message)) {
      this._fallBack();
      this._retryNow = true;
    }
  }

  /** Whether the next attempt should skip the backoff wait (once, after falling back). */
  _takeRetryNow(): boolean {
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
    if (!this._live) return SLOW;
    if (typeof data !== 'string') return this._binary(data);
    if (data.charCodeAt(0) !== 68 /* D */) return SLOW;
    this._heartbeat?._seen(false);
    this._delivered(data.length - 1);
    return data.slice(1);
  }

  /**
   * Any other frame on the session's connection (docs/PROTOCOL.md, "Frames"): {@link CONTROL}.
   * Before the welcome nothing else may come; after it, data took the quick path.
   */
  _inbound(data: unknown): typeof CONTROL {
    if (typeof data !== 'string' || (!this._live && data[0] !== 'W')) return this._broken('frame before the welcome');
    const tag = data.charAt(0);
    const rest = data.slice(1);
    this._heartbeat?._seen(tag === 'Q');
    switch (tag) {
      case 'W':
        return this._welcome(rest);
      case 'A':
        // -1 for a malformed count, which no window accepts either.
        if (!this._unacked.ack(ackCount(rest))) break;
        this._hooks._sessionRoom();
        return CONTROL;
      case 'P':
        this._raw(`Q${rest}`);
        return CONTROL;
      case 'Q':
        return CONTROL;
      case 'B':
        if (rest) break;
        // The server ended the session: what it has not acknowledged may or may not have arrived.
        this._ack();
        this._forget();
        return CONTROL;
    }
    return this._broken(`bad frame '${tag}'`);
  }

  /** Whether the window has room for a message of `bytes`. */
  _hasRoom(bytes: number): boolean {
    return !this._unacked.full(bytes);
  }

  /** The wire form of a data message. */
  _frame(data: OutboundData): OutboundData {
    if (typeof data === 'string') return `D${data}`;
    // The text 'D' in a Blob is the byte 0x44.
    if (typeof Blob === 'function' && data instanceof Blob) return new Blob(['D', data]);
    const view = bytesOf(data as ArrayBuffer);
    const bytes = new Uint8Array(view.length + 1);
    bytes[0] = DATA_BYTE;
    bytes.set(view, 1);
    return bytes;
  }

  /**
   * `data` (of `size`, see {@link sizeOf}) was written: kept as it is now (the caller may change
   * a buffer after `send()`) until acknowledged, to be resent or handed back `unconfirmed`.
   */
  _written(data: OutboundData, size: number): void {
    this._unacked.push(snapshot(data), size);
  }

  /** Says goodbye before a final close: the server may forget the session at once. */
  _bye(): void {
    if (!this._live) return;
    this._ack();
    this._raw('B');
  }

  /** The connection is gone; the session waits for the next one. */
  _lost(code: number): void {
    this._ws = null;
    this._live = false;
    this._ackTimer?.stop();
    // Another connection took the session over: it is not ours to resume any more. (The
    // number itself, checked against the protocol's table: the table stays out of the bundle.)
    if (code === (4012 satisfies (typeof SESSION_CLOSE)['replaced'])) this._forget();
  }

  /** The socket closed for good: whatever is unacknowledged is reported `unconfirmed`. */
  _end(): void {
    this._lost(0);
    this._forget();
  }

  private _welcome(json: string): typeof CONTROL {
    const welcome = decodeWelcome(json);
    // A resume needs a session to resume, and the server's count must fit what was sent.
    if (!welcome || this._live || (welcome.resumed && (!tokens.has(this) || !this._unacked.ack(welcome.received)))) return this._broken('bad welcome');
    if (!welcome.resumed) this._forget();
    tokens.set(this, welcome.session);
    this._peer = welcome.window;
    this._live = true;
    for (const data of this._unacked.pending()) this._raw(this._frame(data));
    this._hooks._sessionReady(welcome.resumed);
    return CONTROL;
  }

  private _binary(data: unknown): unknown {
    this._heartbeat?._seen(false);
    const binary = data as Blob & Partial<Uint8Array>;
    // A Blob's tag cannot be read synchronously: it is cut off unread. A view (Node's Buffer)
    // is cut without a copy, an ArrayBuffer or a Blob by a copy.
    if (!(typeof Blob === 'function' && data instanceof Blob) && bytesOf(data as ArrayBuffer)[0] !== DATA_BYTE) return this._broken('untagged binary frame');
    const payload = binary.subarray?.(1) ?? binary.slice(1);
    this._delivered(sizeOf(payload));
    return payload;
  }

  private _delivered(bytes: number): void {
    if (this._received.add(bytes, this._peer)) this._ack();
    else if (!this._ackTimer?.pending) (this._ackTimer ??= new Timer(this._clock)).start(ACK_DELAY, () => this._ack());
  }

  private _ack(): void {
    this._ackTimer?.stop();
    if (this._live && this._received.owed) this._raw(`A${this._received.acked()}`);
  }

  /** The session is over: a later connection starts a new one. */
  private _forget(): void {
    tokens.delete(this);
    this._received.reset();
    for (const data of this._unacked.reset()) this._hooks._dropped(data, 'unconfirmed');
  }

  private _fallBack(): false {
    this._unsupported = true;
    this._forget();
    this._hooks._sessionUnsupported();
    return false;
  }

  private _broken(what: string): typeof CONTROL {
    this._hooks._sessionBroken(what);
    return CONTROL;
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
function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  const view = data as Partial<ArrayBufferView> & { byteLength: number };
  return new Uint8Array(view.buffer ?? (data as ArrayBuffer), view.byteOffset, view.byteLength);
}

/** The size of a message as the window counts it: its bytes on the wire (UTF-8 for text). */
export const sizeOf = byteLength;
