import { Timer } from './clock';
import type { OutboundData } from './data';
import { Dialer, type DialerEvents } from './dialer';
import { SteadySocketError } from './errors';
import type { BinaryType, SteadyCloseInfo } from './events';
import { Heartbeat, type HeartbeatHooks } from './heartbeat';
import { watchLifecycle } from './lifecycle';
import type { NativeSocket } from './native';
import type { ProtocolsProvider, ResolvedOptions, SteadySocketOptions, UrlProvider } from './options';
import type { DropReason, DropSink, SendOptions } from './outbound-queue';
import { Outbox } from './outbox';
import { describeSafely, redactUrls, safeCause } from './redact';
import { resolveOptions } from './resolve-options';
import { SocketReporter } from './reporter';
import { RetrySchedule } from './retry-schedule';
import { ClientSession, CONTROL, SLOW, type SessionHooks } from './session-link';
import { canTransition, type ConnectionState } from './state';
import type { TAG } from '../session/protocol';

/**
 * The connection's lifecycle behind the public {@link SteadySocket}: attempts, retries, the one
 * state field and lifecycle timer, and the parts it wires together, which report back through
 * its (internal) methods, not closures: an idle socket costs no function object per connection.
 * Every entry point — public method, native handler, timer — runs as one `operation`: it
 * changes state completely, and the events it posts are delivered afterwards.
 */
export abstract class SocketCore extends SocketReporter implements DialerEvents, DropSink, HeartbeatHooks, SessionHooks {
  protected readonly _options: ResolvedOptions;
  protected readonly _dialer: Dialer;
  protected readonly _outbox: Outbox;
  protected readonly _heartbeat: Heartbeat | null;
  /** The resume protocol (`resume` option), across connections; `null` without it. */
  protected readonly _session: ClientSession | null;
  protected _state: ConnectionState;
  /** `startClosed`: CLOSED, yet `send()` queues, until the first `reconnect()`. */
  protected _dormant: boolean;
  /** Retries since the last open, for `retryCount`. */
  protected _sinceOpen = 0;
  /** The one lifecycle timer: first attempt, connect timeout, backoff wait or close timeout, by state. */
  protected readonly _timer: Timer;
  protected readonly _retry: RetrySchedule;
  /** `close()` was called: final, unlike giving up, which `reconnect()` may undo. */
  protected _closeRequested = false;
  protected _binaryTypeSet: BinaryType | undefined;
  protected _opens = 0;
  protected _receivedCount = 0;
  protected _dropCount = 0;
  protected _rtt: number | null = null;
  private _stopWatching: (() => void) | undefined;

  constructor(url: UrlProvider, protocols: ProtocolsProvider | undefined, given: SteadySocketOptions) {
    super();
    this._options = resolveOptions(given);
    const { clock } = this._options;
    this._retry = new RetrySchedule(this._options);
    this._timer = new Timer(clock);
    this._heartbeat = this._options.heartbeat && new Heartbeat(this._options.heartbeat, clock, this);
    this._session = this._options.resume && new ClientSession(this._options.resume, clock, this, this._heartbeat);
    this._dialer = new Dialer(given, url, protocols, this, this._session);
    this._outbox = new Outbox(this._options.queue, clock, this, this._session);
    this._dormant = given.startClosed === true;
    this._state = this._dormant ? 'closed' : 'connecting';
    if (this._dormant) return;
    // The first attempt starts after the current task, as natively: a socket closed in the
    // task that made it (React StrictMode's mount, unmount, mount) never hand-shakes.
    this._arm(0, () => this._connect());
    this._watch();
  }

  // ---- what the parts report (internal) ----------------------------------------------

  /** @internal */
  _nativeCreated(ws: NativeSocket): void {
    if (this._binaryTypeSet !== undefined) ws.binaryType = this._binaryTypeSet;
  }

  /** @internal */
  _nativeOpen(ws: NativeSocket): void {
    this._operation(() => {
      // With a session, the connection is ready at the server's welcome (the connect timeout runs on).
      if (this._state === 'connecting' && !this._session?._opened(ws)) this._sessionReady(false);
    });
  }

  /** @internal The connection is ready for the application: at open, or with a session at its welcome. */
  _sessionReady(resumed: boolean): void {
    const ws = this._dialer._ws;
    if (!ws || this._state !== 'connecting') return;
    this._opens++;
    this._sinceOpen = 0;
    this._retry.opened(this._options.clock.now());
    this._transition('open');
    this._heartbeat?.start();
    this._outbox.open(ws);
    this._fire('open', { resumed }, this._epoch);
  }

  /** @internal */
  _nativeMessage(data: unknown): void {
    const session = this._session;
    if (session?._ws) {
      let payload = session._quick(data);
      // Control frames change state and may post events: as an operation, like every entry point.
      if (payload === SLOW) payload = this._operation(() => session._inbound(data));
      if (payload === CONTROL) return;
      data = payload;
    } else if (this._heartbeat?._inbound(data as never)) return;
    this._receivedCount++;
    if (this.listenerCount('message') > 0) this._fire('message', { data });
  }

  /** @internal */
  _nativeError(event: unknown): void {
    // Never the event itself as the cause: its socket holds the URL (and its token). The
    // `ws` package puts the underlying Error on it: that, redacted, is the cause.
    const { message, error } = (event ?? {}) as { message?: unknown; error?: unknown };
    const text = typeof message === 'string' && message ? redactUrls(message) : 'WebSocket error';
    this._operation(() => {
      if (this._state === 'connecting') this._session?._failed(text);
      this._fail(new SteadySocketError('CONNECTION_ERROR', text, { cause: safeCause(error) }));
    });
  }

  /** @internal */
  _nativeClose(info: SteadyCloseInfo): void {
    this._operation(() => (this._state === 'closing' ? this._finish(info) : this._lost(info)));
  }

  /** @internal */
  _attemptFailed(error: SteadySocketError): void {
    this._operation(() => this._abandon(error));
  }

  /** @internal */
  _dropped(data: OutboundData, reason: DropReason): void {
    this._dropCount++;
    this._log('warn', 'drop', `a message was dropped (${reason})`);
    // A refused burst drops thousands at once: build no event object for nobody.
    if (this.listenerCount('drop') > 0) this._fire('drop', { data, reason });
  }

  /** @internal */
  _heartbeatPing(data: OutboundData): boolean {
    // In a session the protocol's own ping (its tag, checked against TAG: no table in the bundle).
    return this._outbox.ping(this._session?._live ? ('P' satisfies typeof TAG.ping) : data);
  }

  /** @internal */
  _heartbeatPending(): number {
    return this._outbox._buffered();
  }

  /** @internal */
  _heartbeatDead(): void {
    this._operation(() => this._abandon(new SteadySocketError('HEARTBEAT_TIMEOUT', 'No answer to the heartbeat'), 4000));
  }

  /** @internal */
  _heartbeatRtt(rtt: number): void {
    this._rtt = rtt;
    this._fire('heartbeat', { rtt });
  }

  /** @internal In the operation of the ack's frame: `queue` events report what it let out. */
  _sessionRoom(): void {
    this._outbox.flush();
  }

  /** @internal */
  _sessionBroken(what: string): void {
    this._operation(() => this._abandon(new SteadySocketError('SESSION_PROTOCOL_ERROR', `The server broke the session protocol: ${what}`), 4010, false));
  }

  /** @internal */
  _sessionUnsupported(): void {
    this._fail(new SteadySocketError('RESUME_UNSUPPORTED', 'The server does not speak the session protocol: messages are not resumed'));
  }

  // ---- attempts ----------------------------------------------------------------------

  protected _connect(): void {
    this._transition('connecting');
    const timeout = this._options.connectTimeout;
    this._arm(timeout, () => this._abandon(new SteadySocketError('CONNECT_TIMEOUT', `No connection within ${timeout} ms`)));
    this._release(this._dialer._hangUp(true));
    this._dialer._dial();
  }

  /**
   * Gives up on the connection or attempt without waiting for a native close (a timeout,
   * a provider failure, a dead heartbeat): report, then retry or give up.
   */
  private _abandon(error: SteadySocketError, code = 1006, dead = true): void {
    if (this._state !== 'connecting' && this._state !== 'open') return;
    // A dead peer gets no closing handshake; a live one that broke the protocol gets the code.
    this._release(this._dialer._hangUp(dead ? 'dead' : true, code, error.code), error);
    this._fail(error);
    this._lost({ code, reason: error.message, wasClean: false });
  }

  /** The connection or attempt ended without `close()`: retry, or give up. */
  private _lost(info: SteadyCloseInfo): void {
    if (this._state !== 'connecting' && this._state !== 'open') return;
    this._release(this._dialer._hangUp(false), undefined, info.code);
    const epoch = this._epoch;
    const plan = this._retry.next(info, this._options.clock.now(), (attempt) => {
      const { shouldReconnect } = this._options;
      try {
        return shouldReconnect?.({ ...info }, attempt);
      } catch (cause) {
        this._fail(new SteadySocketError('RECONNECT_POLICY_FAILED', describeSafely(cause), { cause: safeCause(cause) }));
        return undefined;
      }
    });
    if (epoch !== this._epoch) return; // shouldReconnect itself called close() or reconnect()
    if (!plan.retry) {
      const { reason } = plan;
      this._fail(new SteadySocketError(reason, reason === 'RETRIES_EXHAUSTED' ? `Gave up after ${this._retry.retries} retries` : `Gave up: close code ${info.code}`));
      this._finish(info);
      return;
    }
    this._sinceOpen++;
    this._transition('reconnecting');
    this._log('info', undefined, `closed ${info.code}; retry ${this._retry.retries} in ${Math.round(plan.delay)} ms`);
    this._arm(this._session?._takeRetryNow() ? 0 : plan.delay, () => this._connect());
    const lastClose = this._fire('close', { ...info, willReconnect: true });
    this._fire('reconnecting', { attempt: this._retry.retries, delay: plan.delay, lastClose }, this._epoch);
  }

  /** The final close: after `close()`, or giving up. */
  protected _finish(info: SteadyCloseInfo): void {
    this._release(this._dialer._hangUp(true));
    this._transition('closed');
    this._stopWatching?.();
    this._stopWatching = undefined;
    // What the server never confirmed goes before what was never written.
    this._session?._end();
    this._outbox.close(false);
    this._fire('close', { ...info, willReconnect: false });
  }

  /** What belonged to a connection ends with it: its heartbeat, and `connectionOnly` messages. */
  protected _release(ws: NativeSocket | null, reason?: SteadySocketError, code = 0): void {
    if (!ws) return;
    this._session?._lost(code);
    this._outbox._lost();
    this._heartbeat?.stop(reason ?? new SteadySocketError('CONNECTION_LOST', 'The connection ended'));
  }

  // ---- page lifecycle ----------------------------------------------------------------

  protected _watch(): void {
    this._stopWatching = watchLifecycle(this._options.lifecycleEvents, this);
  }

  /** @internal Online again, visible again, restored or unfrozen (the facade's). */
  abstract _wake(): void;

  // ---- plumbing ----------------------------------------------------------------------

  /** The one way out for every message. */
  protected _enqueue(data: OutboundData, options: SendOptions): boolean {
    const refused: DropReason | undefined =
      this._state === 'closing' || (this._state === 'closed' && !this._dormant) ? 'closed' : options.connectionOnly && this._state !== 'open' ? 'disconnected' : undefined;
    if (refused === undefined) return this._outbox.send(data, options);
    this._dropped(data, refused);
    options.onOutcome?.(refused);
    return false;
  }

  /** The one place the state changes; posts `state`. Each state owns the one lifecycle timer. */
  protected _transition(next: ConnectionState): void {
    const previous = this._state;
    if (!canTransition(previous, next)) throw new Error(`steadysocket: illegal transition ${previous} → ${next}`);
    this._timer.stop();
    this._state = next;
    this._epoch++;
    if (previous === next) return;
    this._log('debug', undefined, `${previous} → ${next}`);
    this._fire('state', { state: next, previous });
  }

  protected _arm(ms: number, callback: () => void): void {
    this._timer.start(ms, () => this._operation(callback));
  }
}
