import { Timer } from './clock';
import type { OutboundData } from './data';
import { Dialer, type DialerEvents } from './dialer';
import { SteadySocketError, type SteadySocketErrorCode } from './errors';
import { SocketEventTarget } from './event-target';
import { SteadyEventObject, type BinaryType, type SteadyCloseInfo, type SteadyEventTarget, type SteadySocketEventMap } from './events';
import { Heartbeat, type HeartbeatHooks } from './heartbeat';
import { watchLifecycle } from './lifecycle';
import { findWebSocket, type NativeSocket } from './native';
import type { ProtocolsProvider, ResolvedOptions, SteadySocketOptions, UrlProvider } from './options';
import type { DropReason, DropSink, SendOptions } from './outbound-queue';
import { Outbox } from './outbox';
import { resolveOptions } from './resolve-options';
import { RetrySchedule } from './retry-schedule';
import { canTransition, type ConnectionState } from './state';

const noop = () => {};

/**
 * The connection's lifecycle behind the public {@link SteadySocket}: attempts, retries,
 * the one state field and the one lifecycle timer, and the parts it wires together. The
 * parts report back through methods of this class (marked internal), not closures: an
 * idle socket then costs no function object per connection.
 *
 * Every entry point — public method, native handler, timer — runs as one `operation`:
 * it changes state completely, and the events it posts are delivered afterwards.
 */
export abstract class SocketCore extends SocketEventTarget implements DialerEvents, DropSink, HeartbeatHooks {
  protected readonly options: ResolvedOptions;
  protected readonly dialer: Dialer;
  protected readonly outbox: Outbox;
  protected readonly heartbeat: Heartbeat | null;
  protected state: ConnectionState = 'connecting';
  /** The one lifecycle timer: first attempt, connect timeout, backoff wait or close timeout, by state. */
  protected readonly timer: Timer;
  protected readonly retry: RetrySchedule;
  /** `close()` was called: final, unlike giving up, which `reconnect()` may undo. */
  protected closeRequested = false;
  protected binaryTypeSet: BinaryType | undefined;
  protected opens = 0;
  protected receivedCount = 0;
  protected dropCount = 0;
  protected rtt: number | null = null;
  private stopWatching: () => void = noop;

  constructor(url: UrlProvider, protocols: ProtocolsProvider | undefined, given: SteadySocketOptions) {
    super();
    this.options = resolveOptions(given);
    const { clock } = this.options;
    this.retry = new RetrySchedule(this.options);
    this.timer = new Timer(clock);
    this.dialer = new Dialer(findWebSocket(given.WebSocket), url, protocols, given.connectOptions, this);
    this.outbox = new Outbox(this.options.queue, clock, this);
    this.heartbeat = this.options.heartbeat && new Heartbeat(this.options.heartbeat, clock, this);
    // The first attempt starts after the current task, as natively: a socket closed in the
    // task that made it (React StrictMode's mount, unmount, mount) never hand-shakes.
    this.arm(0, () => this.connect());
    this.watch();
  }

  // ---- what the parts report (internal) ----------------------------------------------

  /** @internal */
  nativeCreated(ws: NativeSocket): void {
    if (this.binaryTypeSet !== undefined) ws.binaryType = this.binaryTypeSet;
  }

  /** @internal */
  nativeOpen(ws: NativeSocket): void {
    this.operation(() => {
      if (this.state !== 'connecting') return;
      this.opens++;
      this.retry.opened(this.options.clock.now());
      this.transition('open');
      this.heartbeat?.start();
      this.outbox.open(ws);
      this.post('open', this.event('open'), this.epoch);
    });
  }

  /** @internal */
  nativeMessage(data: unknown): void {
    if (this.heartbeat !== null && this.heartbeat.inbound(data as never)) return;
    this.receivedCount++;
    // No event object for nobody.
    if (this.listenerCount('message') > 0) this.post('message', this.event('message', { data }));
  }

  /** @internal */
  nativeError(event: unknown): void {
    const message = (event as { message?: unknown } | null)?.message;
    const text = typeof message === 'string' && message ? message : 'WebSocket error';
    this.operation(() => this.post('error', this.errorEvent(new SteadySocketError('CONNECTION_ERROR', text, { cause: event }))));
  }

  /** @internal */
  nativeClose(info: SteadyCloseInfo): void {
    this.operation(() => (this.state === 'closing' ? this.finish(info) : this.lost(info)));
  }

  /** @internal */
  attemptFailed(error: SteadySocketError): void {
    this.operation(() => this.abandon(error));
  }

  /** @internal */
  dropped(data: OutboundData, reason: DropReason): void {
    this.dropCount++;
    // A refused burst drops thousands at once: build no event object for nobody.
    if (this.listenerCount('drop') > 0) this.post('drop', this.event('drop', { data, reason }));
  }

  /** @internal */
  heartbeatPing(data: OutboundData): boolean {
    return this.outbox.ping(data);
  }

  /** @internal */
  heartbeatPending(): number {
    return this.outbox.nativeBuffered;
  }

  /** @internal */
  heartbeatDead(): void {
    this.operation(() => this.abandon(new SteadySocketError('HEARTBEAT_TIMEOUT', 'No answer to the heartbeat'), 4000));
  }

  /** @internal */
  heartbeatRtt(rtt: number): void {
    this.rtt = rtt;
    this.post('heartbeat', this.event('heartbeat', { rtt }));
  }

  // ---- attempts ----------------------------------------------------------------------

  protected connect(): void {
    this.transition('connecting');
    const timeout = this.options.connectTimeout;
    this.arm(timeout, () => this.abandon(new SteadySocketError('CONNECT_TIMEOUT', `No connection within ${timeout} ms`)));
    this.release(this.dialer.hangUp(true));
    this.dialer.dial();
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
    this.arm(plan.delay, () => this.connect());
    const lastClose = this.closeEvent(info, true);
    this.post('close', lastClose);
    this.post('reconnecting', this.event('reconnecting', { attempt: this.retry.retries, delay: plan.delay, lastClose }), this.epoch);
  }

  private askPolicy(info: SteadyCloseInfo, attempt: number): boolean | number | undefined {
    const { shouldReconnect } = this.options;
    if (!shouldReconnect) return undefined;
    try {
      return shouldReconnect({ ...info }, attempt);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      this.post('error', this.errorEvent(new SteadySocketError('RECONNECT_POLICY_FAILED', message, { cause })));
      return undefined;
    }
  }

  private giveUp(code: SteadySocketErrorCode, info: SteadyCloseInfo): void {
    const message = code === 'RETRIES_EXHAUSTED' ? `Gave up after ${this.retry.retries} retries` : `Gave up: close code ${info.code}`;
    this.post('error', this.errorEvent(new SteadySocketError(code, message)));
    this.finish(info);
  }

  /** The final close: after `close()`, or giving up. */
  protected finish(info: SteadyCloseInfo): void {
    this.release(this.dialer.hangUp(true));
    this.transition('closed');
    this.stopWatching();
    this.stopWatching = noop;
    this.outbox.close(false);
    this.post('close', this.closeEvent(info, false));
  }

  /** What belonged to a connection ends with it: its heartbeat, and `connectionOnly` messages. */
  protected release(ws: NativeSocket | null, reason?: SteadySocketError): void {
    if (!ws) return;
    this.outbox.lost();
    this.heartbeat?.stop(reason ?? new SteadySocketError('CONNECTION_LOST', 'The connection ended'));
  }

  // ---- page lifecycle ----------------------------------------------------------------

  protected watch(): void {
    this.stopWatching = watchLifecycle(this.options.lifecycleEvents, this);
  }

  /** @internal Online again, visible again, restored or unfrozen: the connection may be gone unnoticed. */
  wake(): void {
    this.operation(() => {
      // An attempt under way keeps its own deadline; only the wait is skipped.
      if (this.state === 'reconnecting') this.connect();
      else if (this.state === 'open' && this.heartbeat) this.heartbeat.probe().catch(noop);
    });
  }

  // ---- plumbing ----------------------------------------------------------------------

  /** The one way out for every message. */
  protected enqueue(data: OutboundData, options: SendOptions): boolean {
    const refused: DropReason | undefined =
      this.state === 'closing' || this.state === 'closed' ? 'closed' : options.connectionOnly && this.state !== 'open' ? 'disconnected' : undefined;
    if (refused === undefined) return this.outbox.send(data, options);
    this.dropped(data, refused);
    options.onOutcome?.(refused);
    return false;
  }

  /** The one place the state changes; posts `state`. Each state owns the one lifecycle timer. */
  protected transition(next: ConnectionState): void {
    const previous = this.state;
    if (!canTransition(previous, next)) throw new Error(`steadysocket: illegal transition ${previous} → ${next}`);
    this.timer.stop();
    this.state = next;
    this.epoch++;
    if (previous !== next) this.post('state', this.event('state', { state: next, previous }));
  }

  protected arm(ms: number, callback: () => void): void {
    this.timer.start(ms, () => this.operation(callback));
  }

  /** An event object of `type`, with `fields`, targeted at this socket. */
  protected event<K extends keyof SteadySocketEventMap>(type: K, fields?: object): SteadySocketEventMap[K] {
    const event = new SteadyEventObject(type, this as unknown as SteadyEventTarget, this.options.clock.now());
    return (fields ? Object.assign(event, fields) : event) as unknown as SteadySocketEventMap[K];
  }

  protected closeEvent(info: SteadyCloseInfo, willReconnect: boolean): SteadySocketEventMap['close'] {
    return this.event('close', { code: info.code, reason: info.reason, wasClean: info.wasClean, willReconnect });
  }

  protected errorEvent(error: SteadySocketError): SteadySocketEventMap['error'] {
    return this.event('error', { error, message: error.message });
  }
}
