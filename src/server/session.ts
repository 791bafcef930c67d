import { EventEmitter } from 'eventemitter3';
import type { WebSocket } from 'ws';
import { binaryPayload, DATA_BYTE, decodeText, encode, SESSION_CLOSE, TAG, type SessionWindow } from '../session/protocol';
import { ACK_DELAY, Received, Unacked } from '../session/window';
import { keep, writeData, type Kept } from './frames';
import type { SessionData, SessionDropReason, SessionEvents, SessionSettings } from './session-types';
import { Timer } from '../session/timer';

export type { SessionData, SessionDropReason, SessionEvents } from './session-types';

/** What the session tells the server that holds it. */
export interface SessionOwner {
  /** Forget the session (it ended). */
  _ended(session: Session): void;
  /** The client has its newest token: forget the older. */
  _confirmed(session: Session): void;
  /** The connection left: keep the session for its ttl. */
  _detached(session: Session): void;
}

interface Held {
  readonly data: SessionData;
  readonly bytes: number;
}

/**
 * One client's session on the server: it outlives connections. `send()` frames, keeps and
 * (while the window allows) writes; what the client has not acknowledged is resent when
 * it resumes. A plain client (one that did not negotiate the protocol) gets a session too,
 * with `resumable` false, that ends with its connection.
 */
export class Session extends EventEmitter<SessionEvents> {
  /** A public id for logs (not the token, which stays a secret between client and server). */
  readonly id: string;
  /** Whether the client speaks the session protocol. */
  readonly resumable: boolean;
  /** @internal The hash of the newest token: the store's key. */
  _key = '';
  /** @internal Every key the store holds it under: the newest, and the one of the last resume until confirmed. */
  readonly _keys = new Set<string>();
  /** @internal Whether the client has sent a frame since the welcome (so it has the newest token). */
  private _confirmedKey = true;
  /** @internal The ttl timer while detached. */
  readonly _expiry: Timer;
  private _ws: WebSocket | null = null;
  private readonly _unacked: Unacked<Kept>;
  private readonly _received = new Received();
  private _peer: SessionWindow;
  private readonly _held: Held[] = [];
  private _heldBytes = 0;
  private _ackTimer: Timer | undefined;
  private _ended = false;
  /** close() was called; the session ends when its connection has closed. */
  private _closing = false;
  /** @internal The code and reason `close()` was given. */
  _closedWith = { code: 1000, reason: '' };

  /** @internal */
  constructor(
    id: string,
    resumable: boolean,
    private readonly settings: SessionSettings,
    private readonly owner: SessionOwner,
  ) {
    super();
    this.id = id;
    this.resumable = resumable;
    this._unacked = new Unacked(settings.window);
    this._peer = settings.window;
    this._expiry = new Timer(settings.clock);
  }

  /** Whether a connection is attached now. */
  get connected(): boolean {
    return this._ws !== null;
  }

  /** Messages written and not yet acknowledged by the client. */
  get unacked(): number {
    return this._unacked.length;
  }

  /** Messages waiting to be written (client away, or the window full). */
  get queued(): number {
    return this._held.length;
  }

  /** Data frames received from the client in this session. */
  get received(): number {
    return this._received.count;
  }

  /**
   * Sends `data` to the client: at once when connected and the window allows, else it waits
   * (bounded by `maxQueued`). `false` when it was dropped (a `drop` event says why).
   */
  send(data: SessionData): boolean {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (this.ended) return this._drop(data, 'closed');
    if (this._held.length > 0 || !this._write(data, bytes)) {
      if (this._held.length >= this.settings.maxQueued.messages || this._heldBytes + bytes > this.settings.maxQueued.bytes) return this._drop(data, 'overflow');
      this._held.push({ data, bytes });
      this._heldBytes += bytes;
    }
    return true;
  }

  /** Whether the session is over (`close()`, the client's goodbye, expiry); `send()` drops then. */
  get ended(): boolean {
    return this._ended || this._closing;
  }

  /**
   * Ends the session: says goodbye to the client and closes its connection with `code`. What
   * the client acknowledges until the connection has closed still counts; the rest is
   * reported `unconfirmed` then.
   */
  close(code = 1000, reason = ''): void {
    if (this.ended) return;
    this._closedWith = { code, reason };
    const ws = this._ws;
    if (!ws) return this._end();
    this._closing = true;
    if (this.resumable) {
      this._ack();
      this._raw(encode.bye());
    }
    ws.close(code, reason);
  }

  // ---- the server's side (internal) ---------------------------------------------------

  /** @internal A connection joins; for a resume, `acked` is what the client says it received. */
  _attach(ws: WebSocket, peer: SessionWindow, welcome: string | undefined, resumed: boolean): void {
    this._expiry.stop();
    this._ws = ws;
    this._peer = peer;
    this._confirmedKey = welcome === undefined;
    // The welcome's count acknowledges as much.
    this._received.acked();
    if (welcome !== undefined) this._raw(welcome);
    for (const kept of this._unacked.pending()) if (this._ws?.readyState === 1) writeData(this._ws, kept);
    this._drain();
    this.emit('attach', resumed);
  }

  /** @internal For a resume: whether `received` (the client's count) can be, and then applies it. */
  _resumeFrom(received: number): boolean {
    return this._unacked.ack(received);
  }

  /** @internal Lets go of the connection (it closed, or another took over). */
  _detach(ws: WebSocket): void {
    if (this._ws !== ws) return;
    this._ws = null;
    this._ackTimer?.stop();
    if (this._ended) return;
    if (!this.resumable || this._closing) return this._end();
    this.emit('detach');
    this.owner._detached(this);
  }

  /** @internal The connection it replaces is stale: close it. */
  _replace(): void {
    const old = this._ws;
    if (!old) return;
    this._detach(old);
    old.close(SESSION_CLOSE.replaced, 'session resumed elsewhere');
  }

  /** @internal A frame from `ws`: ignored unless the session is attached to it and goes on. */
  _frame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (this._ws !== ws || this._ended) return;
    if (!this._confirmedKey) {
      // The client writes only after the welcome: it has the token that came with it.
      this._confirmedKey = true;
      this.owner._confirmed(this);
    }
    if (!this.resumable) {
      if (!this._closing) this.emit('message', isBinary ? data : data.toString(), isBinary);
      return;
    }
    if (isBinary) {
      if (this._closing) return;
      const payload = binaryPayload(data);
      return typeof payload === 'string' ? this._protocolError() : this._deliver(payload, true, payload.length);
    }
    // The hot path: a text data frame. After close(), only acknowledgements count.
    if (data[0] === DATA_BYTE) return this._closing ? undefined : this._deliver(data.toString('utf8', 1), false, data.length - 1);
    const frame = decodeText(data.toString());
    if (typeof frame === 'string') return this._protocolError();
    switch (frame.tag) {
      case TAG.ack:
        if (!this._unacked.ack(frame.count)) return this._protocolError();
        return this._drain();
      case TAG.ping:
        return this._raw(encode.pong(frame.data));
      case TAG.pong:
        return;
      case TAG.bye:
        // The client ends the session: its last acknowledgement, then nothing more.
        this._ack();
        return this._end();
      case TAG.hello:
        return this._protocolError();
      default:
        return this._protocolError();
    }
  }

  /** @internal Ended for good (ttl passed, the server closed). */
  _end(): void {
    if (this._ended) return;
    this._ended = true;
    this._expiry.stop();
    this._ackTimer?.stop();
    this._ws = null;
    for (const kept of this._unacked.reset()) this.emit('drop', kept, 'unconfirmed');
    for (const held of this._held.splice(0)) this.emit('drop', held.data, 'closed');
    this._heldBytes = 0;
    this.owner._ended(this);
    this.emit('close');
  }

  private _deliver(payload: string | Buffer, isBinary: boolean, bytes: number): void {
    if (this._received.add(bytes, this._peer)) this._ack();
    else if (!this._ackTimer?.pending) (this._ackTimer ??= new Timer(this.settings.clock)).start(ACK_DELAY, () => this._ack());
    this.emit('message', payload, isBinary);
  }

  private _ack(): void {
    this._ackTimer?.stop();
    if (this._received.owed) this._raw(encode.ack(this._received.acked()));
  }

  /** Writes `data` now if connected and the window has room. */
  private _write(data: SessionData, bytes: number): boolean {
    const ws = this._ws;
    if (!ws || ws.readyState !== 1) return false;
    if (!this.resumable) {
      ws.send(data);
      return true;
    }
    if (this._unacked.full(bytes)) return false;
    const kept = keep(data);
    this._unacked.push(kept, bytes);
    writeData(ws, kept);
    return true;
  }

  private _drain(): void {
    let written = 0;
    while (written < this._held.length && this._write(this._held[written]!.data, this._held[written]!.bytes)) {
      this._heldBytes -= this._held[written]!.bytes;
      written++;
    }
    if (written > 0) this._held.splice(0, written);
  }

  private _raw(frame: string): void {
    if (this._ws?.readyState === 1) this._ws.send(frame);
  }

  private _protocolError(): void {
    this._ws?.close(SESSION_CLOSE.protocolError, 'session protocol error');
  }

  private _drop(data: SessionData, reason: SessionDropReason): false {
    this.emit('drop', data, reason);
    return false;
  }
}
