import { Timer, type Clock } from './clock';
import type { OutboundData } from './data';
import type { MessageData } from './events';

/** Heartbeat settings: pings carried as ordinary messages. */
export interface HeartbeatOptions {
  /**
   * Ms of inbound silence after which a ping is sent.
   * @default 25_000
   */
  interval?: number;
  /**
   * Ms to wait for any inbound message after a ping before the connection is declared dead.
   * @default 10_000
   */
  timeout?: number;
  /**
   * The ping, or a function returning it (e.g. with a timestamp).
   * @default 'ping'
   */
  message?: OutboundData | (() => OutboundData);
  /**
   * Recognises the server's answer; pongs are not delivered as `message` events.
   * @default (data) => data === 'pong'
   */
  isPong?: (data: MessageData) => boolean;
}

export type ResolvedHeartbeat = Readonly<Required<HeartbeatOptions>>;

/** What the heartbeat needs from the socket that owns it. */
export interface HeartbeatHooks {
  /** Writes a ping now, bypassing the queue. `false` when it could not be written. */
  _heartbeatPing(data: OutboundData): boolean;
  /** Bytes written but not yet sent by the native socket: shrinking means the link is alive. */
  _heartbeatPending(): number;
  /** No sign of life within the timeout after a ping. */
  _heartbeatDead(): void;
  /** A pong arrived `ms` after its ping. */
  _heartbeatRtt(ms: number): void;
}

/**
 * A timer check that runs this much later than it was due was not running on time: the
 * page was frozen or throttled (Chromium: 1 s, then 1 min in hidden tabs), and a pong may
 * still be waiting in the event queue. Such a check never declares the connection dead;
 * it sends a fresh ping and judges that one on its own deadline.
 */
export const LATE_SLACK = 2_000;

/** A probe's promise, settled with the round-trip time or the reason the connection ended. */
type Waiter = [resolve: (rtt: number) => void, reject: (reason: unknown) => void];

/**
 * Liveness of one connection, judged on wall-clock deadlines. Any inbound message proves
 * life; after `interval` of silence it pings; dead only when a ping was actually written
 * and nothing came back (and no outbound progress was made) within `timeout`.
 *
 * One timer at a time, and none after `stop()`.
 */
export class Heartbeat {
  private _lastInbound = 0;
  /** When the ping under judgement was written; undefined when none is. */
  private _pingAt: number | undefined;
  /** When the last ping was written, until a pong measures from it (it may come late). */
  private _rttFrom: number | undefined;
  private _pendingAtPing = 0;
  /** Inbound messages so far, and at the last ping: a count, so one in the ping's own ms counts too. */
  private _received = 0;
  private _receivedAtPing = 0;
  private readonly _timer: Timer;
  private _due = 0;
  private _waiters: Waiter[] = [];

  constructor(
    private readonly _options: ResolvedHeartbeat,
    private readonly _clock: Clock,
    private readonly _hooks: HeartbeatHooks,
  ) {
    this._timer = new Timer(_clock);
  }

  /** The connection opened: silence is measured from now. */
  start(): void {
    this._pingAt = this._rttFrom = undefined;
    this._arm((this._lastInbound = this._clock.now()) + this._options.interval);
  }

  /** The connection is gone: clears the timer and rejects pending probes with `reason`. */
  stop(reason: unknown): void {
    this._timer.stop();
    this._pingAt = this._rttFrom = undefined;
    this._answer(1, reason);
  }

  /**
   * @internal Every inbound message goes through here. Returns `true` for a pong, which the caller
   * must not deliver as a message.
   */
  _inbound(data: MessageData): boolean {
    let pong = false;
    try {
      pong = this._options.isPong(data) === true;
    } catch {
      // A user's isPong that throws must not unwind into the socket: not a pong.
    }
    return this._seen(pong);
  }

  /** @internal An inbound message that the caller already knows to be a pong or not. Returns `pong`. */
  _seen(pong: boolean): boolean {
    const now = (this._lastInbound = this._clock.now());
    this._received++;
    if (!pong) return false;
    if (this._pingAt !== undefined) {
      this._pingAt = undefined;
      this._arm(now + this._options.interval);
    }
    if (this._rttFrom !== undefined) {
      const rtt = now - this._rttFrom;
      this._rttFrom = undefined;
      this._hooks._heartbeatRtt(rtt);
      this._answer(0, rtt);
    }
    return true;
  }

  /** Pings now (unless a ping is already out) and resolves with the round-trip time. */
  probe(): Promise<number> {
    const result = new Promise<number>((resolve, reject) => this._waiters.push([resolve, reject]));
    if (this._pingAt === undefined) this._ping(this._clock.now());
    return result;
  }

  private _check(): void {
    const now = this._clock.now();
    if (this._pingAt === undefined) {
      const quietSince = this._lastInbound;
      if (now - quietSince < this._options.interval) this._arm(quietSince + this._options.interval);
      else this._ping(now);
    } else if (this._received !== this._receivedAtPing) {
      // Other traffic proved life. A probe still waits for a pong: ask again.
      if (this._waiters.length > 0) this._ping(now);
      else {
        this._pingAt = undefined;
        this._arm(this._lastInbound + this._options.interval);
      }
    } else if (now - this._due > LATE_SLACK || this._hooks._heartbeatPending() < this._pendingAtPing) {
      // Late: judge a fresh ping instead. Draining: the ping is stuck behind our own data on a live link.
      this._ping(now);
    } else {
      this._timer.stop();
      this._pingAt = undefined;
      this._hooks._heartbeatDead();
    }
  }

  private _ping(now: number): void {
    const { message } = this._options;
    let sent = false;
    try {
      sent = this._hooks._heartbeatPing(typeof message === 'function' ? message() : message);
    } catch {
      // A user's message function that throws must not unwind into the socket: not written.
    }
    if (!sent) {
      // A ping that was never written cannot time out: look again after another interval.
      this._arm(now + this._options.interval);
      return;
    }
    this._pingAt = this._rttFrom = now;
    this._receivedAtPing = this._received;
    this._pendingAtPing = this._hooks._heartbeatPending();
    this._arm(now + this._options.timeout);
  }

  /** Settles every waiting probe: resolved (`0`) with the round-trip time, or rejected (`1`) with the reason. */
  private _answer(settle: 0 | 1, value: unknown): void {
    const waiters = this._waiters;
    this._waiters = [];
    for (const waiter of waiters) (waiter[settle] as (value: unknown) => void)(value);
  }

  private _arm(at: number): void {
    this._due = at;
    this._timer.start(Math.max(0, at - this._clock.now()), () => this._check());
  }
}
