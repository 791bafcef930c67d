import { Timer } from './clock';
import { toOutbound, type OutboundData } from './data';
import { Dialer } from './dialer';
import { SteadySocketError, type SteadySocketErrorCode } from './errors';
import { SocketEventTarget } from './event-target';
import type { MessageData, SteadyCloseEvent, SteadyCloseInfo, SteadySocketEventMap } from './events';
import { Heartbeat } from './heartbeat';
import { watchLifecycle } from './lifecycle';
import { findWebSocket, type NativeSocket } from './native';
import type { ProtocolsProvider, ResolvedOptions, SteadySocketOptions, UrlProvider } from './options';
import { resolveOptions, splitArguments } from './resolve-options';
import { Outbox } from './outbox';
import { RetrySchedule } from './retry-schedule';
import type { DropReason } from './outbound-queue';
import { canTransition, READY_STATE, type ConnectionState, type ReadyState } from './state';
import { validateClose } from './validation';
import type { Channel, ChannelMap, ChannelSpec, Received, Replied, RequestName, SpecPart } from '../channels/channel';
import type { Extras } from './outbound-queue';
import { Router, type RequestOptions } from '../channels/router';
import type { Validator } from '../channels/schema';

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

const noop = () => {};
// Shared, so the send hot path allocates no options object per message.
const NO_EXTRAS: Extras = Object.freeze({});
const CONNECTION_ONLY: Extras = Object.freeze({ connectionOnly: true });

/**
 * A WebSocket that stays connected. A drop-in for the native `WebSocket`: swap the
 * constructor and the rest of the code runs unchanged; it reconnects with backoff and
 * jitter, queues what is sent while disconnected, and reports every message it drops.
 *
 * Every entry point — public method, native handler, timer — runs as one `operation`:
 * it changes state completely, and the events it posts are delivered afterwards.
 *
 * @example
 * const ws = new SteadySocket('wss://example.com/feed');
 * ws.onmessage = (e) => console.log(e.data);
 * ws.send('hello'); // queued until open
 */
export class SteadySocket<Api extends { [K in keyof Api]: ChannelSpec } = ChannelMap> extends SocketEventTarget {
  /** `readyState` while connecting or waiting to reconnect. */ static readonly CONNECTING = 0;
  /** `readyState` while open. */ static readonly OPEN = 1;
  /** `readyState` after `close()`, before the close completes. */ static readonly CLOSING = 2;
  /** `readyState` when final. */ static readonly CLOSED = 3;
  /** `readyState` while connecting or waiting to reconnect. */ readonly CONNECTING = 0;
  /** `readyState` while open. */ readonly OPEN = 1;
  /** `readyState` after `close()`, before the close completes. */ readonly CLOSING = 2;
  /** `readyState` when final. */ readonly CLOSED = 3;

  private readonly options: ResolvedOptions;
  private readonly dialer: Dialer;
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat | null;
  private readonly router: Router;
  private state: ConnectionState = 'connecting';
  /** The one lifecycle timer: connect timeout, backoff wait or close timeout, by state. */
  private readonly timer: Timer;
  private readonly retry: RetrySchedule;
  /** `close()` was called: final, unlike giving up, which `reconnect()` may undo. */
  private closeRequested = false;
  private stopWatching: () => void = noop;
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
    const { protocols, options: given } = splitArguments(protocolsOrOptions, options);
    this.options = resolveOptions(given);
    const { clock } = this.options;
    this.retry = new RetrySchedule(this.options);
    this.timer = new Timer(clock);
    this.dialer = new Dialer(findWebSocket(given.WebSocket), { url, protocols }, given.connectOptions, {
      created: (ws) => {
        if (this.binaryTypeSet !== undefined) ws.binaryType = this.binaryTypeSet;
      },
      open: (ws) => this.operation(() => this.opened(ws)),
      message: (data) => this.received(data as MessageData),
      error: (event) => this.operation(() => this.post('error', this.errorEvent(nativeError(event)))),
      close: (info) => this.operation(() => (this.state === 'closing' ? this.finish(info) : this.lost(info))),
      failed: (error) => this.operation(() => this.abandon(error)),
    });
    this.outbox = new Outbox(this.options.queue, clock, (data, reason) => this.reportDrop(data, reason));
    this.heartbeat = this.options.heartbeat && new Heartbeat(this.options.heartbeat, clock, {
      sendPing: (data) => this.outbox.ping(data),
      pendingBytes: () => this.outbox.nativeBuffered,
      dead: () => this.operation(() => this.abandon(new SteadySocketError('HEARTBEAT_TIMEOUT', 'No answer to the heartbeat'), 4000)),
      rtt: (rtt) => {
        this.rtt = rtt;
        this.post('heartbeat', { type: 'heartbeat', target: this, rtt });
      },
    });
    this.router = new Router(this.options.codec, this.options, clock, {
      send: (text, extras) => this.operation(() => this.enqueue(text, extras)),
      invalid: (report) =>
        this.post('invalid', {
          type: 'invalid',
          target: this,
          ...report,
          error: new SteadySocketError('INVALID_MESSAGE', `Invalid message (${report.reason}): ${report.issues[0]?.message ?? ''}`),
        }),
    });
    this.operation(() => this.connect(true));
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
    return this.dialer.url;
  }

  /** The subprotocol the server chose on the current connection, or `''`. */
  get protocol(): string {
    return this.dialer.ws?.protocol ?? '';
  }

  /** The extensions the server chose on the current connection, or `''`. */
  get extensions(): string {
    return this.dialer.ws?.extensions ?? '';
  }

  /** Kept across reconnects. Until set, the runtime's default (`'blob'` in browsers). */
  get binaryType(): BinaryType {
    return this.binaryTypeSet ?? ((this.dialer.ws?.binaryType as BinaryType | undefined) ?? 'blob');
  }

  /** Sets it on the current native socket and on every one after. */
  set binaryType(value: BinaryType) {
    this.binaryTypeSet = value;
    if (this.dialer.ws) this.dialer.ws.binaryType = value;
  }

  /** Bytes the native socket has not sent yet, plus bytes waiting in the queue. */
  get bufferedAmount(): number {
    const ws = this.dialer.ws;
    return (ws ? this.outbox.bufferedOf(ws) : 0) + this.outbox.queue.bytes;
  }

  /** Counters since construction: a fresh snapshot on every read. */
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

  /**
   * Writes now when open and the native buffer allows, else queues (in order, ahead of
   * anything sent later). Never throws because the socket is not open.
   * @returns `true` when written or queued; `false` when dropped (a `drop` event says why).
   */
  send(data: OutboundData, options?: SendOptions): boolean {
    const payload = toOutbound(data);
    return this.operation(() => this.enqueue(payload, options?.connectionOnly === true ? CONNECTION_ONLY : NO_EXTRAS));
  }

  /**
   * The channel `name`: typed `send`, `on('message')` and `for await`. The same name gives
   * the same object; `validate` (a Standard Schema or a type guard) checks what arrives.
   */
  channel<K extends keyof Api & string>(name: K, options?: { validate?: Validator<Received<Api[K]>> }): Channel<Api[K]> {
    const channel = this.router.channel(name) as unknown as Channel<Api[K]>;
    if (options?.validate) channel.validator = options.validate;
    return channel;
  }

  /**
   * Sends a request on channel `name` and resolves with the reply's data. Rejects with
   * `REQUEST_TIMEOUT`, `REQUEST_ABORTED`, `REQUEST_FAILED` (an error reply),
   * `INVALID_MESSAGE`, `QUEUE_OVERFLOW`, or `CONNECTION_LOST` (unless `idempotent`).
   */
  request<K extends RequestName<Api>>(
    name: K,
    data: SpecPart<Api[K], 'request'>,
    options?: RequestOptions<Replied<Api[K]>>,
  ): Promise<Replied<Api[K]>> {
    return this.router.request(name, data, options as RequestOptions) as Promise<Replied<Api[K]>>;
  }

  /**
   * Checks the connection now: sends a heartbeat ping and resolves with the round-trip
   * time in ms. Rejects (`HEARTBEAT_DISABLED`, `NOT_OPEN`, `HEARTBEAT_TIMEOUT`,
   * `CONNECTION_LOST`) when it cannot tell. Runs by itself when the page wakes up.
   */
  probe(): Promise<number> {
    if (!this.heartbeat) return Promise.reject(new SteadySocketError('HEARTBEAT_DISABLED', 'probe() needs the heartbeat option'));
    if (this.state !== 'open') return Promise.reject(new SteadySocketError('NOT_OPEN', `probe() while ${this.state}`));
    return this.heartbeat.probe();
  }

  /**
   * Closes for good: no reconnect follows. Throws like the native `close()` on a bad
   * code or reason, and then changes nothing. While open, queued messages are written
   * before the close frame; otherwise they are dropped (`'closed'`).
   */
  close(code?: number, reason?: string): void {
    const checked = validateClose(code, reason);
    this.operation(() => {
      this.closeRequested = true;
      const ws = this.dialer.ws;
      if (this.state === 'open' && ws) {
        // As the native `send(); close()` would: what waits goes out before the close frame.
        this.outbox.close(true);
        this.heartbeat?.stop(new SteadySocketError('CONNECTION_LOST', 'close() was called'));
        this.transition('closing');
        this.arm(this.options.closeTimeout, () => {
          this.post('error', this.errorEvent(new SteadySocketError('CLOSE_TIMEOUT', 'No closing handshake')));
          this.finish({ code: 1006, reason: '', wasClean: false });
        });
        try {
          ws.close(checked.code, checked.reason);
        } catch {
          this.finish({ code: 1006, reason: '', wasClean: false });
        }
      } else if (this.state === 'connecting' || this.state === 'reconnecting') {
        // Nothing to hand-shake with: CLOSED at once. An aborted handshake reads as the native 1006.
        const aborted = this.dialer.hangUp(true) !== null;
        this.finish(aborted ? { code: 1006, reason: '', wasClean: false } : { code: checked.code ?? 1005, reason: checked.reason ?? '', wasClean: true });
      }
    });
  }

  /**
   * Drops the current connection (or the wait for the next attempt) and connects again
   * now, with the backoff reset. Revives a socket that gave up; does nothing after `close()`.
   */
  reconnect(): void {
    this.operation(() => {
      if (this.closeRequested) return;
      if (this.state === 'closed') {
        this.watch();
        this.router.reopened();
      }
      if (this.state === 'open') {
        this.release(this.dialer.hangUp(true, 1000, 'reconnect'));
        this.post('close', this.closeEvent({ code: 1000, reason: 'reconnect', wasClean: false }, true));
      }
      this.retry.reset();
      this.connect(false);
    });
  }

  // ---- attempts ----------------------------------------------------------------------

  private connect(fromConstructor: boolean): void {
    this.transition('connecting');
    const timeout = this.options.connectTimeout;
    this.arm(timeout, () => this.abandon(new SteadySocketError('CONNECT_TIMEOUT', `No connection within ${timeout} ms`)));
    this.release(this.dialer.hangUp(true));
    try {
      this.dialer.dial(fromConstructor);
    } catch (cause) {
      // As the native constructor does: an invalid URL given directly throws at once.
      this.timer.stop();
      throw cause;
    }
  }

  private opened(ws: NativeSocket): void {
    if (this.state !== 'connecting') return;
    this.counts.opens++;
    this.retry.opened(this.options.clock.now());
    this.transition('open');
    this.heartbeat?.start();
    this.outbox.open(ws);
    this.post('open', { type: 'open', target: this }, this.epoch);
  }

  private received(data: MessageData): void {
    if (this.heartbeat !== null && this.heartbeat.inbound(data)) return;
    this.counts.received++;
    // No event object for nobody: typed channels may be the only listeners.
    const event = this.listenerCount('message') > 0 ? { type: 'message' as const, target: this, data } : undefined;
    const route = this.router.active;
    // Raw listeners first, then the channels; whatever a listener calls (reconnect(), say)
    // takes effect after both. When nothing else is pending that order needs no queue.
    const quiet = this.quiet;
    this.begin();
    try {
      if (quiet) {
        if (event) this.deliverNow('message', event);
        if (route) this.router.route(data);
      } else {
        if (event) this.post('message', event);
        if (route) this.after(() => this.router.route(data));
      }
    } finally {
      this.end();
    }
  }

  /**
   * Gives up on the connection or attempt without waiting for a native close (a timeout,
   * a provider failure, a dead heartbeat): report, then retry or give up.
   */
  private abandon(error: SteadySocketError, code = 1006): void {
    if (this.state !== 'connecting' && this.state !== 'open') return;
    this.release(this.dialer.hangUp('dead'), error);
    this.post('error', this.errorEvent(error));
    this.lost({ code, reason: error.message, wasClean: false });
  }

  /** The connection or attempt ended without `close()`: retry, or give up. */
  private lost(info: SteadyCloseInfo): void {
    if (this.state !== 'connecting' && this.state !== 'open') return;
    this.release(this.dialer.hangUp(false));
    const epoch = this.epoch;
    const plan = this.retry.next(info, this.options.clock.now(), (attempt) => this.askPolicy(info, attempt));
    if (epoch !== this.epoch) return; // shouldReconnect itself called close() or reconnect()
    if (!plan.retry) {
      this.giveUp(plan.reason, info);
      return;
    }
    this.transition('reconnecting');
    this.arm(plan.delay, () => this.connect(false));
    const lastClose = this.closeEvent(info, true);
    this.post('close', lastClose);
    this.post('reconnecting', { type: 'reconnecting', target: this, attempt: this.retry.retries, delay: plan.delay, lastClose }, this.epoch);
  }

  private askPolicy(info: SteadyCloseInfo, attempt: number): boolean | number | undefined {
    const { shouldReconnect } = this.options;
    if (!shouldReconnect) return undefined;
    try {
      return shouldReconnect({ ...info }, attempt);
    } catch (cause) {
      this.post('error', this.errorEvent(new SteadySocketError('RECONNECT_POLICY_FAILED', describe(cause), { cause })));
      return undefined;
    }
  }

  private giveUp(code: SteadySocketErrorCode, info: SteadyCloseInfo): void {
    const message = code === 'RETRIES_EXHAUSTED' ? `Gave up after ${this.retry.retries} retries` : `Gave up: close code ${info.code}`;
    this.post('error', this.errorEvent(new SteadySocketError(code, message)));
    this.finish(info);
  }

  /** The final close: after `close()`, or giving up. */
  private finish(info: SteadyCloseInfo): void {
    this.release(this.dialer.hangUp(true));
    this.transition('closed');
    this.unwatch();
    this.outbox.close(false);
    this.router.closed();
    this.post('close', this.closeEvent(info, false));
  }

  /** What belonged to a connection ends with it: its heartbeat, and `connectionOnly` messages. */
  private release(ws: NativeSocket | null, reason?: SteadySocketError): void {
    if (!ws) return;
    this.outbox.lost();
    this.heartbeat?.stop(reason ?? new SteadySocketError('CONNECTION_LOST', 'The connection ended'));
    this.router.connectionLost();
  }

  // ---- page lifecycle ----------------------------------------------------------------

  private watch(): void {
    this.stopWatching = watchLifecycle(this.options.lifecycleEvents, { wake: () => this.operation(() => this.wake()) });
  }

  private unwatch(): void {
    this.stopWatching();
    this.stopWatching = noop;
  }

  /** Online again, visible again, restored or unfrozen: the connection may be gone unnoticed. */
  private wake(): void {
    // An attempt under way keeps its own deadline; only the wait is skipped.
    if (this.state === 'reconnecting') this.connect(false);
    else if (this.state === 'open' && this.heartbeat) this.heartbeat.probe().catch(noop);
  }

  // ---- plumbing ----------------------------------------------------------------------

  /** The one way out for every message: user sends, channel sends, requests. */
  private enqueue(data: OutboundData, extras: Extras = {}): boolean {
    const refused: DropReason | undefined =
      this.state === 'closing' || this.state === 'closed' ? 'closed' : extras.connectionOnly && this.state !== 'open' ? 'disconnected' : undefined;
    if (refused === undefined) return this.outbox.send(data, extras);
    this.reportDrop(data, refused);
    extras.track?.(refused);
    return false;
  }

  private reportDrop(data: OutboundData, reason: DropReason): void {
    this.counts.dropped++;
    // A refused burst drops thousands at once: build no event object for nobody.
    if (this.listenerCount('drop') > 0) this.post('drop', { type: 'drop', target: this, data, reason });
  }

  /** The one place the state changes; posts `state`. Each state owns the one lifecycle timer. */
  private transition(next: ConnectionState): void {
    const previous = this.state;
    if (!canTransition(previous, next)) throw new Error(`steadysocket: illegal transition ${previous} → ${next}`);
    this.timer.stop();
    this.state = next;
    this.epoch++;
    if (previous !== next) this.post('state', { type: 'state', target: this, state: next, previous });
  }

  private arm(ms: number, callback: () => void): void {
    this.timer.start(ms, () => this.operation(callback));
  }

  private closeEvent(info: SteadyCloseInfo, willReconnect: boolean): SteadyCloseEvent {
    return { type: 'close', target: this, code: info.code, reason: info.reason, wasClean: info.wasClean, willReconnect };
  }

  private errorEvent(error: SteadySocketError): SteadySocketEventMap['error'] {
    return { type: 'error', target: this, error, message: error.message };
  }
}

function nativeError(event: unknown): SteadySocketError {
  const message = (event as { message?: unknown } | null)?.message;
  return new SteadySocketError('CONNECTION_ERROR', typeof message === 'string' && message ? message : 'WebSocket error', { cause: event });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
