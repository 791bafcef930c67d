import { backoffDelay } from './backoff';
import type { TimerHandle } from './clock';
import { planRetry } from './close-policy';
import { toOutbound, type OutboundData } from './data';
import { SteadySocketError, type SteadySocketErrorCode } from './errors';
import { SocketEventTarget } from './event-target';
import type { MessageData, SteadyCloseEvent, SteadyCloseInfo, SteadySocketEventMap } from './events';
import { watchLifecycle } from './lifecycle';
import { createNative, findWebSocket, resolveEndpoint, urlText, type NativeSocket, type WebSocketConstructor } from './native';
import { resolveOptions, type ProtocolsProvider, type ResolvedOptions, type SteadySocketOptions, type UrlProvider } from './options';
import { Heartbeat } from './heartbeat';
import { Outbox } from './outbox';
import type { DropReason } from './outbound-queue';
import { canTransition, READY_STATE, type ConnectionState, type ReadyState } from './state';
import { validateClose } from './validation';

/** Counters, read through `socket.stats` (a fresh snapshot each time). */
export interface SteadySocketStats {
  /** Connections opened after the first one. */
  readonly reconnects: number;
  /** Messages written to a native socket. */
  readonly messagesSent: number;
  /** Messages received (every `message` event). */
  readonly messagesReceived: number;
  /** Messages waiting in the outbound queue now. */
  readonly queued: number;
  /** Bytes waiting in the outbound queue now. */
  readonly queuedBytes: number;
  /** Messages dropped so far (each reported in a `drop` event). */
  readonly dropped: number;
  /** Last heartbeat round-trip time in ms, `null` until one is measured. */
  readonly rtt: number | null;
}

/** Options of `send`, beyond the native signature. */
export interface SendOptions {
  /**
   * Valid for the current connection only (an unsubscribe, a cursor): if it cannot be
   * written on this connection it is dropped (`'disconnected'`), never replayed after a reconnect.
   * @default false
   */
  connectionOnly?: boolean;
}

/** Handler property type, as in the DOM. */
type Handler<K extends keyof SteadySocketEventMap> = ((event: SteadySocketEventMap[K]) => void) | null;

const noop = () => {};

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
export class SteadySocket extends SocketEventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  private readonly options: ResolvedOptions;
  private readonly Native: WebSocketConstructor;
  private readonly endpoint: { url: UrlProvider; protocols: ProtocolsProvider | undefined };
  private readonly connectOptions: object | undefined;
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat | null;
  private state: ConnectionState = 'connecting';
  /** Bumped on every transition: async work and re-entrant listeners compare against it. */
  private epoch = 0;
  private ws: NativeSocket | null = null;
  /** The one lifecycle timer: connect timeout, backoff wait or close timeout, by state. */
  private timer: TimerHandle | undefined;
  private retries = 0;
  private previousDelay: number | undefined;
  private openedAt = 0;
  private closeRequested = false;
  private stopWatching: () => void = noop;
  private currentUrl = '';
  private binaryTypeSet: BinaryType | undefined;
  private counts = { opens: 0, received: 0, dropped: 0 };
  private rtt: number | null = null;

  /**
   * @param url A URL, or a function (sync or async) called before every attempt.
   * @param protocolsOrOptions Subprotocols (string or array), or the options object.
   * @param options The options, when subprotocols come second.
   */
  constructor(url: UrlProvider, protocolsOrOptions?: ProtocolsProvider | SteadySocketOptions, options?: SteadySocketOptions) {
    super();
    const isOptions =
      typeof protocolsOrOptions === 'object' && protocolsOrOptions !== null && !Array.isArray(protocolsOrOptions);
    const opts = (isOptions ? protocolsOrOptions : options) ?? {};
    const protocols = isOptions ? opts.protocols : (protocolsOrOptions as ProtocolsProvider | undefined);
    this.options = resolveOptions(opts);
    this.Native = findWebSocket(opts.WebSocket);
    this.connectOptions = opts.connectOptions;
    this.endpoint = { url, protocols };
    const { clock } = this.options;
    this.outbox = new Outbox(this.options.queue, clock, (data, reason) => this.reportDrop(data, reason));
    this.heartbeat = this.options.heartbeat && new Heartbeat(this.options.heartbeat, clock, {
      sendPing: (data) => this.outbox.ping(data),
      pendingBytes: () => this.outbox.nativeBuffered,
      dead: () => this.abandon(new SteadySocketError('HEARTBEAT_TIMEOUT', 'No answer to the heartbeat'), 4000),
      rtt: (rtt) => {
        this.rtt = rtt;
        this.dispatch('heartbeat', { type: 'heartbeat', target: this, rtt });
      },
    });
    if (typeof url !== 'function') this.currentUrl = urlText(url);
    this.connect(true);
    this.watch();
  }

  // ---- the native surface ----------------------------------------------------------

  /** 0 CONNECTING (also while waiting to reconnect), 1 OPEN, 2 CLOSING, 3 CLOSED (final). */
  get readyState(): ReadyState {
    return READY_STATE[this.state];
  }

  /** The richer lifecycle state behind `readyState`. */
  get connectionState(): ConnectionState {
    return this.state;
  }

  /** The URL of the current or last attempt. */
  get url(): string {
    return this.currentUrl;
  }

  get protocol(): string {
    return this.ws?.protocol ?? '';
  }

  get extensions(): string {
    return this.ws?.extensions ?? '';
  }

  /** Kept across reconnects. Until set, the runtime's default (`'blob'` in browsers). */
  get binaryType(): BinaryType {
    return this.binaryTypeSet ?? ((this.ws?.binaryType as BinaryType | undefined) ?? 'blob');
  }

  set binaryType(value: BinaryType) {
    this.binaryTypeSet = value;
    if (this.ws) this.ws.binaryType = value;
  }

  /** Bytes the native socket has not sent yet, plus bytes waiting in the queue. */
  get bufferedAmount(): number {
    return this.outbox.nativeBuffered + this.outbox.queue.bytes;
  }

  get stats(): SteadySocketStats {
    return {
      reconnects: Math.max(0, this.counts.opens - 1),
      messagesSent: this.outbox.sent,
      messagesReceived: this.counts.received,
      queued: this.outbox.queue.length,
      queuedBytes: this.outbox.queue.bytes,
      dropped: this.counts.dropped,
      rtt: this.rtt,
    };
  }

  get onopen(): Handler<'open'> { return this.getHandler('open'); }
  set onopen(handler: Handler<'open'>) { this.setHandler('open', handler); }
  get onmessage(): Handler<'message'> { return this.getHandler('message'); }
  set onmessage(handler: Handler<'message'>) { this.setHandler('message', handler); }
  get onclose(): Handler<'close'> { return this.getHandler('close'); }
  set onclose(handler: Handler<'close'>) { this.setHandler('close', handler); }
  get onerror(): Handler<'error'> { return this.getHandler('error'); }
  set onerror(handler: Handler<'error'>) { this.setHandler('error', handler); }

  /**
   * Writes now when open, else queues (in order, ahead of anything sent later).
   * Never throws because the socket is not open.
   * @returns `true` when written or queued; `false` when dropped (a `drop` event says why).
   */
  send(data: OutboundData, options?: SendOptions): boolean {
    const payload = toOutbound(data);
    const connectionOnly = options?.connectionOnly === true;
    if (this.state === 'closing' || this.state === 'closed' || (connectionOnly && this.state !== 'open')) {
      this.reportDrop(payload, connectionOnly && this.state !== 'closed' && this.state !== 'closing' ? 'disconnected' : 'closed');
      return false;
    }
    return this.outbox.send(payload, connectionOnly);
  }

  /**
   * Checks the connection now: sends a heartbeat ping and resolves with the round-trip
   * time in ms. Rejects (`HEARTBEAT_DISABLED`, `NOT_OPEN`, `HEARTBEAT_TIMEOUT`,
   * `CONNECTION_LOST`) when it cannot tell. Runs by itself when the page wakes up.
   */
  probe(): Promise<number> {
    if (!this.heartbeat) {
      return Promise.reject(new SteadySocketError('HEARTBEAT_DISABLED', 'probe() needs the heartbeat option'));
    }
    if (this.state !== 'open') return Promise.reject(new SteadySocketError('NOT_OPEN', `probe() while ${this.state}`));
    return this.heartbeat.probe();
  }

  /**
   * Closes for good: no reconnect follows. Throws like the native `close()` on a bad
   * code or reason, and then changes nothing. Messages still queued are dropped (`'closed'`).
   */
  close(code?: number, reason?: string): void {
    const checked = validateClose(code, reason);
    this.closeRequested = true;
    if (this.state === 'closing' || this.state === 'closed') return;
    const ws = this.ws;
    if (this.state === 'open' && ws) {
      // As the native `send(); close()` would: what waits goes out before the close frame.
      this.outbox.close(true);
      this.transition('closing');
      this.arm(this.options.closeTimeout, () => this.finish({ code: 1006, reason: '', wasClean: false }));
      try {
        ws.close(checked.code, checked.reason);
      } catch {
        this.finish({ code: 1006, reason: '', wasClean: false });
      }
      return;
    }
    // Not open: nothing to hand-shake with. Reach CLOSED at once.
    this.detach(true);
    this.finish({ code: checked.code ?? 1005, reason: checked.reason ?? '', wasClean: ws === null });
  }

  /**
   * Drops the current connection (or the wait for the next attempt) and connects again
   * now, with the backoff reset. Does nothing after `close()`.
   */
  reconnect(): void {
    if (this.closeRequested) return;
    const wasOpen = this.state === 'open';
    this.detach(true);
    this.retries = 0;
    this.previousDelay = undefined;
    if (this.state === 'closed') this.watch();
    const epoch = this.connect(false);
    if (wasOpen && epoch === this.epoch) {
      this.dispatch('close', this.closeEvent({ code: 1000, reason: 'reconnect()', wasClean: false }, true));
    }
  }

  // ---- attempts ----------------------------------------------------------------------

  /** Starts an attempt. Returns the epoch it runs in. */
  private connect(fromConstructor: boolean): number {
    this.transition('connecting');
    const epoch = this.epoch;
    const { url, protocols } = this.endpoint;
    this.arm(this.options.connectTimeout, () =>
      this.abandon(new SteadySocketError('CONNECT_TIMEOUT', `No connection within ${this.options.connectTimeout} ms`)),
    );
    if (typeof url !== 'function' && typeof protocols !== 'function') {
      try {
        this.open(this.currentUrl, protocols);
      } catch (cause) {
        // As the native constructor does: an invalid URL given directly throws at once.
        if (fromConstructor) {
          this.disarm();
          throw cause;
        }
        this.abandon(new SteadySocketError('CONNECT_FAILED', describeError(cause), { cause }));
      }
      return epoch;
    }
    resolveEndpoint(url, protocols).then(
      ([resolvedUrl, resolvedProtocols]) => {
        if (epoch !== this.epoch) return;
        try {
          this.currentUrl = resolvedUrl;
          this.open(resolvedUrl, resolvedProtocols);
        } catch (cause) {
          this.abandon(new SteadySocketError('CONNECT_FAILED', describeError(cause), { cause }));
        }
      },
      (cause: unknown) => {
        if (epoch !== this.epoch) return;
        this.abandon(new SteadySocketError('URL_PROVIDER_FAILED', `URL provider failed: ${describeError(cause)}`, { cause }));
      },
    );
    return epoch;
  }

  private open(url: string, protocols: string | string[] | undefined): void {
    const ws = createNative(this.Native, url, protocols, this.connectOptions);
    if (this.binaryTypeSet !== undefined) ws.binaryType = this.binaryTypeSet;
    ws.onopen = this.handleOpen;
    ws.onmessage = this.handleMessage;
    ws.onclose = this.handleClose;
    ws.onerror = this.handleError;
    this.ws = ws;
  }

  private readonly handleOpen = (): void => {
    const ws = this.ws;
    if (!ws) return;
    this.counts.opens++;
    this.openedAt = this.options.clock.now();
    this.transition('open');
    const epoch = this.epoch;
    this.heartbeat?.start();
    this.outbox.open(ws);
    if (epoch === this.epoch) this.dispatch('open', { type: 'open', target: this });
  };

  private readonly handleMessage = (event: { data: unknown }): void => {
    const data = event.data as MessageData;
    if (this.heartbeat !== null && this.heartbeat.inbound(data)) return;
    this.counts.received++;
    this.dispatch('message', { type: 'message', target: this, data });
  };

  private readonly handleError = (event: unknown): void => {
    const message = (event as { message?: unknown } | null)?.message;
    const text = typeof message === 'string' && message ? message : 'WebSocket error';
    this.dispatch('error', this.errorEvent(new SteadySocketError('CONNECTION_ERROR', text, { cause: event })));
  };

  private readonly handleClose = (event: { code?: number; reason?: string; wasClean?: boolean }): void => {
    this.detach(false);
    const info = { code: event.code ?? 1006, reason: event.reason ?? '', wasClean: event.wasClean ?? false };
    if (this.state === 'closing') this.finish(info);
    else this.lost(info);
  };

  /**
   * Gives up on the connection or attempt without waiting for a native close (a timeout,
   * a provider failure, a dead heartbeat): report, then retry or give up.
   */
  private abandon(error: SteadySocketError, code = 1006): void {
    this.detach(true, error);
    const epoch = this.epoch;
    this.dispatch('error', this.errorEvent(error));
    if (epoch === this.epoch) this.lost({ code, reason: error.message, wasClean: false });
  }

  /** The connection or attempt ended without `close()`: retry, or give up. */
  private lost(info: SteadyCloseInfo): void {
    const { clock, random, maxRetries, minUptime } = this.options;
    if (this.state === 'open' && clock.now() - this.openedAt >= minUptime) {
      this.retries = 0;
      this.previousDelay = undefined;
    }
    const attempt = this.retries;
    const backoff = backoffDelay(attempt, this.options, random, this.previousDelay);
    const plan = planRetry({ code: info.code, attempt, maxRetries, backoff, random: random(), override: this.askPolicy(info, attempt) });
    if (!plan.retry) {
      this.giveUp(plan.reason, info);
      return;
    }
    this.retries++;
    this.previousDelay = plan.delay;
    this.transition('reconnecting');
    const epoch = this.epoch;
    this.arm(plan.delay, () => this.connect(false));
    const lastClose = this.closeEvent(info, true);
    this.dispatch('close', lastClose);
    if (epoch !== this.epoch) return;
    this.dispatch('reconnecting', { type: 'reconnecting', target: this, attempt: this.retries, delay: plan.delay, lastClose });
  }

  private askPolicy(info: SteadyCloseInfo, attempt: number): boolean | number | undefined {
    const { shouldReconnect } = this.options;
    if (!shouldReconnect) return undefined;
    try {
      return shouldReconnect({ ...info }, attempt);
    } catch (cause) {
      this.dispatch('error', this.errorEvent(new SteadySocketError('RECONNECT_POLICY_FAILED', describeError(cause), { cause })));
      return undefined;
    }
  }

  private giveUp(code: SteadySocketErrorCode, info: SteadyCloseInfo): void {
    this.transition('closed');
    const epoch = this.epoch;
    this.unwatch();
    this.outbox.close(false);
    const message = code === 'RETRIES_EXHAUSTED' ? `Gave up after ${this.retries} retries` : `Gave up: close code ${info.code}`;
    this.dispatch('error', this.errorEvent(new SteadySocketError(code, message)));
    if (epoch === this.epoch) this.dispatch('close', this.closeEvent(info, false));
  }

  /** The final close after `close()`. */
  private finish(info: SteadyCloseInfo): void {
    this.detach(true);
    this.transition('closed');
    this.unwatch();
    this.outbox.close(false);
    this.dispatch('close', this.closeEvent(info, false));
  }

  private unwatch(): void {
    this.stopWatching();
    this.stopWatching = noop;
  }

  private watch(): void {
    this.stopWatching = watchLifecycle(this.options.lifecycleEvents, { wake: () => this.onWake() });
  }

  /** Online again, visible again, restored or unfrozen: the connection may be gone unnoticed. */
  private onWake(): void {
    // An attempt under way keeps its own deadline; only the wait is skipped.
    if (this.state === 'reconnecting') this.connect(false);
    else if (this.state === 'open' && this.heartbeat) this.heartbeat.probe().catch(noop);
  }

  // ---- dropping ----------------------------------------------------------------------

  private reportDrop(data: OutboundData, reason: DropReason): void {
    this.counts.dropped++;
    this.dispatch('drop', { type: 'drop', target: this, data, reason });
  }

  // ---- plumbing ----------------------------------------------------------------------

  /** The one place the state changes; emits `state`. */
  private transition(next: ConnectionState): void {
    const previous = this.state;
    if (!canTransition(previous, next)) throw new Error(`steadysocket: illegal transition ${previous} → ${next}`);
    this.disarm();
    this.state = next;
    this.epoch++;
    if (previous !== next) this.dispatch('state', { type: 'state', target: this, state: next, previous });
  }

  /**
   * Forgets the native socket; `abort` also closes it if it may still be live. What
   * belonged to that connection ends with it: its heartbeat, and `connectionOnly` messages.
   */
  private detach(abort: boolean, reason?: SteadySocketError): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.outbox.lost();
    this.heartbeat?.stop(reason ?? new SteadySocketError('CONNECTION_LOST', 'The connection ended'));
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Not null: the `ws` package throws on an 'error' event nobody listens to.
    ws.onerror = noop;
    if (abort && ws.readyState < 2) {
      try {
        ws.close();
      } catch {
        // It is being discarded; a refusal to close changes nothing for us.
      }
    }
  }

  private arm(ms: number, callback: () => void): void {
    this.disarm();
    if (ms === Infinity) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      callback();
    }, ms);
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private closeEvent(info: SteadyCloseInfo, willReconnect: boolean): SteadyCloseEvent {
    return { type: 'close', target: this, code: info.code, reason: info.reason, wasClean: info.wasClean, willReconnect };
  }

  private errorEvent(error: SteadySocketError): SteadySocketEventMap['error'] {
    return { type: 'error', target: this, error, message: error.message };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
