import { Timer, type Clock } from './clock';
import { byteLength, snapshot, type OutboundData } from './data';
import type { Heartbeat } from './heartbeat';
import type { NativeSocket } from './native';
import type { DropSink } from './outbound-queue';
import { ACK_DELAY, Received, Unacked } from '../session/window';
import { chosenProtocol, DATA_BYTE, decodeText, encode, offerProtocols, SESSION_CLOSE, TAG, type SessionWindow, type Welcome } from '../session/protocol';

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

const PREFIX = new Uint8Array([DATA_BYTE]);
/** Returned by {@link ClientSession.inbound} for a frame that was the protocol's own. */
export const CONTROL = Symbol('control');
/** Returned by {@link ClientSession.quick} for a frame that needs {@link ClientSession.inbound}. */
export const SLOW = Symbol('slow');
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
  unsupported = false;
  private readonly _unacked: Unacked<OutboundData>;
  private readonly _received = new Received();
  private _peer: SessionWindow;
  /** The connection the session runs on; set at hello, live for data once welcomed. */
  private _ws: NativeSocket | null = null;
  private _welcomed = false;
  private _ackTimer: Timer | undefined;
  private _retryNow = false;

  constructor(
    window: SessionWindow,
    private readonly clock: Clock,
    private readonly hooks: SessionHooks,
    /** Told of every inbound frame (each proves life; a `Q` answers its ping). */
    private readonly heartbeat: Heartbeat | null,
  ) {
    this._unacked = new Unacked(window);
    this._peer = window;
  }

  /** Messages written and not yet acknowledged. */
  get unacked(): number {
    return this._unacked.length;
  }

  /** Their bytes. */
  get unackedBytes(): number {
    return this._unacked.bytes;
  }

  /** Whether the current connection speaks the protocol (from the hello on). */
  get attached(): boolean {
    return this._ws !== null;
  }

  /** Whether data frames go out framed on the current connection (from the welcome on). */
  get live(): boolean {
    return this._welcomed;
  }

  /** The subprotocols to ask for, given the user's. */
  offer(protocols: string | string[] | undefined): string | string[] | undefined {
    if (this.unsupported) return protocols;
    return offerProtocols(protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : protocols);
  }

  /** The subprotocol the user sees: the server's choice without ours. */
  userProtocol(selected: string): string {
    return chosenProtocol(selected).user;
  }

  /**
   * The native socket opened. `true` when the server chose the session protocol: the hello
   * is written and the connection is ready only at the welcome.
   */
  opened(ws: NativeSocket): boolean {
    if (this.unsupported) return false;
    if (!chosenProtocol(ws.protocol ?? '').session) {
      this._fallBack();
      return false;
    }
    this._ws = ws;
    const token = tokens.get(this);
    // The count in a resume hello acknowledges as much.
    this._raw(encode.hello(token === undefined ? { v: 1, window: this._unacked.window } : { v: 1, window: this._unacked.window, session: token, received: this._received.acked() }));
    return true;
  }

  /**
   * The attempt failed before opening. The `ws` package refuses a handshake in which the
   * server chose no subprotocol though some were asked for: then the server is plain, and the
   * next attempt goes at once, without asking.
   */
  failed(message: string): void {
    if (!this.unsupported && /sent no subprotocol/i.test(message)) {
      this._fallBack();
      this._retryNow = true;
    }
  }

  /** Whether the next attempt should skip the backoff wait (once, after falling back). */
  takeRetryNow(): boolean {
    const now = this._retryNow;
    this._retryNow = false;
    return now;
  }

  /**
   * The hot path: a data frame on a welcomed connection gives the application's payload (it
   * changes no state the socket reports); anything else gives {@link SLOW}, for
   * {@link inbound} inside an operation.
   */
  quick(data: unknown): unknown {
    if (!this._welcomed) return SLOW;
    if (typeof data !== 'string') return this._binary(data);
    if (data.charCodeAt(0) !== 68 /* D */) return SLOW;
    this.heartbeat?._seen(false);
    this._delivered(data.length - 1);
    return data.slice(1);
  }

  /** Any other frame on the session's connection; {@link CONTROL}, or a payload. */
  inbound(data: unknown): unknown {
    if (typeof data !== 'string') return this._broken('binary frame before the welcome');
    const frame = decodeText(data);
    if (typeof frame === 'string') return this._broken(frame);
    this.heartbeat?._seen(frame.tag === TAG.pong);
    if (frame.tag === TAG.welcome) return this._welcomed ? this._broken('second welcome') : this._welcome(frame.welcome);
    if (!this._welcomed || frame.tag === TAG.data) return this._broken('frame before the welcome');
    switch (frame.tag) {
      case TAG.ack:
        if (!this._unacked.ack(frame.count)) return this._broken('ack of more than was sent');
        this.hooks._sessionRoom();
        return CONTROL;
      case TAG.ping:
        this._raw(encode.pong(frame.data));
        return CONTROL;
      case TAG.bye:
        // The server ended the session: what it has not acknowledged may or may not have arrived.
        this._ack();
        this._forget();
        return CONTROL;
      default:
        return frame.tag === TAG.pong ? CONTROL : this._broken('unexpected frame');
    }
  }

  /** Whether the window has room for a message of `bytes`. */
  hasRoom(bytes: number): boolean {
    return !this._unacked.full(bytes);
  }

  /** The wire form of a data message. */
  frame(data: OutboundData): OutboundData {
    let framed: OutboundData;
    if (typeof data === 'string') framed = TAG.data + data;
    else if (typeof Blob === 'function' && data instanceof Blob) framed = new Blob([PREFIX, data]);
    else {
      const view = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array((data as ArrayBufferView).buffer, (data as ArrayBufferView).byteOffset, (data as ArrayBufferView).byteLength);
      const bytes = new Uint8Array(view.byteLength + 1);
      bytes[0] = DATA_BYTE;
      bytes.set(view, 1);
      framed = bytes;
    }
    return framed;
  }

  /**
   * `data` (of `size`, see {@link sizeOf}) was written: it is kept until acknowledged, as it
   * is now (the caller may change a buffer after `send()`), to be framed again if resent or
   * handed back in an `unconfirmed` drop.
   */
  written(data: OutboundData, size: number): void {
    this._unacked.push(snapshot(data), size);
  }

  /** Says goodbye before a final close: the server may forget the session at once. */
  bye(): void {
    if (!this._welcomed) return;
    this._ack();
    this._raw(encode.bye());
  }

  /** The connection is gone; the session waits for the next one. */
  lost(code: number): void {
    this._ws = null;
    this._welcomed = false;
    this._ackTimer?.stop();
    // Another connection took the session over: it is not ours to resume any more.
    if (code === SESSION_CLOSE.replaced) this._forget();
  }

  /** The socket closed for good: whatever is unacknowledged is reported `unconfirmed`. */
  end(): void {
    this.lost(0);
    this._forget();
  }

  private _welcome(welcome: Welcome): unknown {
    const resumed = welcome.resumed && tokens.has(this);
    if (welcome.resumed && (!resumed || !this._unacked.ack(welcome.received))) return this._broken('a resume that cannot be');
    if (!resumed) this._forget();
    tokens.set(this, welcome.session);
    this._peer = welcome.window;
    this._welcomed = true;
    for (const data of this._unacked.pending()) this._raw(this.frame(data));
    this.hooks._sessionReady(resumed);
    return CONTROL;
  }

  private _binary(data: unknown): unknown {
    this.heartbeat?._seen(false);
    let payload: unknown;
    if (typeof Blob === 'function' && data instanceof Blob) payload = data.slice(1); // its tag cannot be read synchronously
    else if (data instanceof ArrayBuffer) payload = new Uint8Array(data)[0] === DATA_BYTE ? data.slice(1) : undefined;
    else if (ArrayBuffer.isView(data)) {
      const view = data as Uint8Array;
      payload = view.byteLength > 0 && new Uint8Array(view.buffer, view.byteOffset, 1)[0] === DATA_BYTE ? view.subarray(1) : undefined;
    }
    if (payload === undefined) return this._broken('binary frame without the data tag');
    this._delivered(sizeOf(payload as OutboundData));
    return payload;
  }

  private _delivered(bytes: number): void {
    const when = this._received.add(bytes, this._peer);
    if (when === 'now') this._ack();
    else if (!this._ackTimer?.pending) (this._ackTimer ??= new Timer(this.clock)).start(ACK_DELAY, () => this._ack());
  }

  private _ack(): void {
    this._ackTimer?.stop();
    if (this._welcomed && this._received.owed) this._raw(encode.ack(this._received.acked()));
  }

  /** The session is over: a later connection starts a new one. */
  private _forget(): void {
    tokens.delete(this);
    this._received.reset();
    for (const data of this._unacked.reset()) this.hooks._dropped(data, 'unconfirmed');
  }

  private _fallBack(): void {
    this.unsupported = true;
    this._forget();
    this.hooks._sessionUnsupported();
  }

  private _broken(what: string): typeof CONTROL {
    this.hooks._sessionBroken(what);
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

/** The size of a message as the window counts it: its bytes on the wire (UTF-8 for text). */
export const sizeOf = byteLength;
