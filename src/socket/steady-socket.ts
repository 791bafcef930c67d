import { toOutbound, type OutboundData } from './data';
import { SocketCore } from './core';
import type { BinaryType } from './events';
import type { ProtocolsProvider, SteadySocketOptions, UrlProvider } from './options';
import { splitArguments } from './resolve-options';
import type { SendOptions } from './outbound-queue';
import { readyStateOf, type ConnectionState, type ReadyState } from './state';
import { validateClose } from './validation';
import { SteadySocketError } from './errors';
import { userProtocol } from '../session/protocol';

/** Counters, read through `socket.stats` (a fresh snapshot each time). */
export interface SteadySocketStats {
  /** Connections opened after the first one. */
  readonly reconnects: number;
  /** Messages written to a native socket (heartbeat pings excluded). */
  readonly messagesSent: number;
  /** Messages received (every `message` event; pongs excluded). */
  readonly messagesReceived: number;
  /** Messages waiting in the outbound queue now. */
  readonly queued: number;
  /** Bytes waiting in the outbound queue now. */
  readonly queuedBytes: number;
  /** Messages dropped so far (each reported in a `drop` event). */
  readonly dropped: number;
  /** Last heartbeat round-trip time in ms, `null` until one is measured. */
  readonly rtt: number | null;
  /** With `resume`: messages written and not yet acknowledged by the server (else 0). */
  readonly unacked: number;
}

// Shared, so the send hot path allocates no options object per message.
const NO_OPTIONS: SendOptions = Object.freeze({});

/**
 * A WebSocket that stays connected. A drop-in for the native `WebSocket`: swap the
 * constructor and the rest of the code runs unchanged; it reconnects with backoff and
 * jitter, queues what is sent while disconnected, and reports every message it drops.
 *
 * @example
 * const ws = new SteadySocket('wss://example.com/feed');
 * ws.onmessage = (e) => console.log(e.data);
 * ws.send('hello'); // queued until open
 */
export class SteadySocket extends SocketCore {
  /** `readyState` while connecting or waiting to reconnect. */ static readonly CONNECTING = 0;
  /** `readyState` while open. */ static readonly OPEN = 1;
  /** `readyState` after `close()`, before the close completes. */ static readonly CLOSING = 2;
  /** `readyState` when final. */ static readonly CLOSED = 3;
  // On the prototype, as the DOM has them: no slot on every socket.
  /** `readyState` while connecting or waiting to reconnect. */ get CONNECTING(): 0 { return 0; }
  /** `readyState` while open. */ get OPEN(): 1 { return 1; }
  /** `readyState` after `close()`, before the close completes. */ get CLOSING(): 2 { return 2; }
  /** `readyState` when final. */ get CLOSED(): 3 { return 3; }

  /**
   * @param url A URL, or a function (sync or async) called before every attempt.
   * @param protocolsOrOptions Subprotocols (string or array), or the options object.
   * @param options The options, when subprotocols come second.
   */
  constructor(url: UrlProvider, protocolsOrOptions?: ProtocolsProvider | SteadySocketOptions, options?: SteadySocketOptions) {
    super(url, ...splitArguments(protocolsOrOptions, options));
  }

  // ---- the native surface ----------------------------------------------------------

  /** 0 CONNECTING (also while waiting to reconnect), 1 OPEN, 2 CLOSING, 3 CLOSED (final). */
  get readyState(): ReadyState {
    return readyStateOf(this._state);
  }

  /** The richer lifecycle state behind `readyState`. */
  get connectionState(): ConnectionState {
    return this._state;
  }

  /** The URL of the current or last attempt. */
  get url(): string {
    return this._dialer._url;
  }

  /** The subprotocol the server chose on the current connection, or `''`. */
  get protocol(): string {
    const chosen = this._dialer._ws?.protocol ?? '';
    return this._session ? userProtocol(chosen) : chosen;
  }

  /** The extensions the server chose on the current connection, or `''`. */
  get extensions(): string {
    return this._dialer._ws?.extensions ?? '';
  }

  /** Kept across reconnects. Until set, the runtime's default (`'blob'` in browsers). */
  get binaryType(): BinaryType {
    return this._binaryTypeSet ?? ((this._dialer._ws?.binaryType as BinaryType | undefined) ?? 'blob');
  }

  /** Sets it on the current native socket and on every one after. */
  set binaryType(value: BinaryType) {
    this._binaryTypeSet = value;
    if (this._dialer._ws) this._dialer._ws.binaryType = value;
  }

  /**
   * Bytes the native socket has not sent yet, plus bytes waiting in the queue; with `resume`,
   * also the bytes sent and not yet acknowledged (they may have to go again): a producer that
   * paces itself by `bufferedAmount` then follows the receiver, not just the network.
   */
  get bufferedAmount(): number {
    const ws = this._dialer._ws;
    return this._outbox._buffered(ws) + this._outbox._bytes + (this._session?._bytes ?? 0);
  }

  /**
   * Whether the socket closed for good: after `close()` or giving up (`reconnect()` may
   * revive the latter). `false` while a `startClosed` socket waits for its first
   * `reconnect()`, though `readyState` is 3 then too.
   */
  get ended(): boolean {
    return this._state === 'closed' && !this._dormant;
  }

  /** Retries since the last open: 0 while open and after `reconnect()` (reconnecting-websocket's and partysocket's name). */
  get retryCount(): number {
    return this._state === 'open' ? 0 : this._sinceOpen;
  }

  /**
   * Removes and returns what waits in the outbound queue, in order (a socket replacing
   * this one takes them over). No `drop` event is reported for them: the caller took them.
   */
  drainQueuedMessages(): OutboundData[] {
    return this._operation(() => this._outbox._takeAll());
  }

  /** Reports a change of the queue's figures (`queue` event), once per operation. */
  protected override _settle(): void {
    const change = this._outbox._changed();
    if (change && this.listenerCount('queue') > 0) this._fire('queue', change);
  }

  /** Counters since construction: a fresh snapshot on every read. */
  get stats(): SteadySocketStats {
    return {
      reconnects: Math.max(0, this._opens - 1),
      messagesSent: this._outbox._sent,
      messagesReceived: this._receivedCount,
      queued: this._outbox._length,
      queuedBytes: this._outbox._bytes,
      dropped: this._dropCount,
      rtt: this._rtt,
      unacked: this._session?._unacked.length ?? 0,
    };
  }

  /**
   * Writes now when open and the native buffer allows, else queues (in order, ahead of
   * anything sent later). Never throws because the socket is not open.
   * @returns `true` when written or queued; `false` when dropped (a `drop` event says why).
   */
  send(data: OutboundData, options?: SendOptions): boolean {
    const payload = toOutbound(data);
    return this._operation(() => this._enqueue(payload, options ?? NO_OPTIONS));
  }

  /**
   * Checks the connection now: sends a heartbeat ping and resolves with the round-trip
   * time in ms. Rejects (`HEARTBEAT_DISABLED`, `NOT_OPEN`, `HEARTBEAT_TIMEOUT`,
   * `CONNECTION_LOST`) when it cannot tell. Runs by itself when the page wakes up.
   */
  probe(): Promise<number> {
    if (!this._heartbeat) return Promise.reject(new SteadySocketError('HEARTBEAT_DISABLED', 'probe() needs the heartbeat option'));
    if (this._state !== 'open') return Promise.reject(new SteadySocketError('NOT_OPEN', `probe() while ${this._state}`));
    return this._heartbeat.probe();
  }

  /**
   * Closes for good: no reconnect follows. Throws like the native `close()` on a bad
   * code or reason, and then changes nothing. While open, queued messages are written
   * before the close frame; otherwise they are dropped (`'closed'`).
   */
  close(code?: number, reason?: string): void {
    const checked = validateClose(code, reason);
    this._operation(() => {
      this._closeRequested = true;
      const ws = this._dialer._ws;
      if (this._state === 'open' && ws) {
        // As the native `send(); close()` would: what waits goes out before the close frame.
        this._outbox.close(true);
        // The server may forget the session now; its last ack still counts until the close.
        this._session?._bye();
        this._heartbeat?.stop(new SteadySocketError('CONNECTION_LOST', 'close() was called'));
        this._transition('closing');
        this._arm(this._options.closeTimeout, () => {
          this._fail(new SteadySocketError('CLOSE_TIMEOUT', 'No closing handshake'));
          this._finish({ code: 1006, reason: '', wasClean: false });
        });
        try {
          ws.close(checked.code, checked.reason);
        } catch {
          this._finish({ code: 1006, reason: '', wasClean: false });
        }
      } else if (this._dormant) {
        // startClosed and never started: nothing to close, but what waits will never go.
        this._dormant = false;
        this._outbox.close(false);
      } else if (this._state === 'connecting' || this._state === 'reconnecting') {
        // Nothing to hand-shake with: CLOSED at once. An attempt cut short (under way, or the
        // first one not yet started) reads as the native 1006; a backoff wait as a clean close.
        const aborted = this._state === 'connecting';
        this._finish(aborted ? { code: 1006, reason: '', wasClean: false } : { code: checked.code ?? 1005, reason: checked.reason ?? '', wasClean: true });
      }
    });
  }

  /** @internal Online again, visible again, restored or unfrozen: the connection may be gone unnoticed. */
  _wake(): void {
    this._operation(() => {
      // An attempt under way keeps its own deadline; only the wait is skipped.
      if (this._state === 'reconnecting') this._connect();
      else if (this._state === 'open' && this._heartbeat) this._heartbeat.probe().catch(() => {});
    });
  }

  /**
   * Drops the current connection (or the wait for the next attempt) and connects again
   * now, with the backoff reset; an open connection is closed with `code` and `reason`
   * first (checked as `close()` checks them). Revives a socket that gave up, and starts one
   * made with `startClosed`; does nothing after `close()`.
   * @param code The close code for the connection it drops. @default 1000
   * @param reason The close reason for it. @default 'reconnect'
   */
  reconnect(code?: number, reason?: string): void {
    const checked = validateClose(code, reason);
    this._operation(() => {
      if (this._closeRequested) return;
      this._dormant = false;
      this._sinceOpen = 0;
      if (this._state === 'closed') this._watch();
      if (this._state === 'open') {
        const info = { code: checked.code ?? 1000, reason: checked.reason ?? 'reconnect', wasClean: false };
        this._hangUp(true, info.code, info.reason);
        this._fire('close', { ...info, willReconnect: true });
      }
      this._resetRetries();
      this._connect();
    });
  }
}
