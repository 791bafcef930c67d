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

interface Waiter {
  resolve(rtt: number): void;
  reject(error: unknown): void;
}

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
    private readonly options: ResolvedHeartbeat,
    private readonly clock: Clock,
    private readonly hooks: HeartbeatHooks,
  ) {
    this._timer = new Timer(clock);
  }

  /** Whether a timer is pending; for leak checks. */
  get running(): boolean {
    return this._timer.pending;
  }

  /** The connection opened: silence is measured from now. */
  start(): void {
    this._lastInbound = this.clock.now();
    this._pingAt = this._rttFrom = undefined;
    this._arm(this._lastInbound + this.options.interval);
  }

  /** The connection is gone: clears the timer and rejects pending probes with `reason`. */
  stop(reason: unknown): void {
    this._timer.stop();
    this._pingAt = this._rttFrom = undefined;
    const waiters = this._waiters;
    this._waiters = [];
    for (const waiter of waiters) waiter.reject(reason);
  }

  /**
   * Every inbound message goes through here. Returns `true` for a pong, which the caller
   * must not deliver as a message.
   */
  inbound(data: MessageData): boolean {
    return this.seen(this._matchesPong(data));
  }

  /** An inbound message that the caller already knows to be a pong or not. Returns `pong`. */
  seen(pong: boolean): boolean {
    const now = this.clock.now();
    this._lastInbound = now;
    this._received++;
    if (!pong) return false;
    if (this._pingAt !== undefined) {
      this._pingAt = undefined;
      this._arm(now + this.options.interval);
    }
    if (this._rttFrom !== undefined) {
      const rtt = now - this._rttFrom;
      this._rttFrom = undefined;
      this.hooks._heartbeatRtt(rtt);
      const waiters = this._waiters;
      this._waiters = [];
      for (const waiter of waiters) waiter.resolve(rtt);
    }
    return true;
  }

  /** Pings now (unless a ping is already out) and resolves with the round-trip time. */
  probe(): Promise<number> {
    const result = new Promise<number>((resolve, reject) => this._waiters.push({ resolve, reject }));
    if (this._pingAt === undefined) this._ping(this.clock.now());
    return result;
  }

  private _check(): void {
    const now = this.clock.now();
    if (this._pingAt === undefined) {
      const quietSince = this._lastInbound;
      if (now - quietSince < this.options.interval) this._arm(quietSince + this.options.interval);
      else this._ping(now);
      return;
    }
    if (this._received !== this._receivedAtPing) {
      // Other traffic proved life. A probe still waits for a pong: ask again.
      if (this._waiters.length > 0) this._ping(now);
      else {
        this._pingAt = undefined;
        this._arm(this._lastInbound + this.options.interval);
      }
      return;
    }
    const late = now - this._due > LATE_SLACK;
    const pending = this.hooks._heartbeatPending();
    if (late || pending < this._pendingAtPing) {
      // Late: judge a fresh ping instead. Draining: the ping is stuck behind our own data on a live link.
      this._ping(now);
      return;
    }
    this._timer.stop();
    this._pingAt = undefined;
    this.hooks._heartbeatDead();
  }

  // A user's isPong or message function that throws must not unwind into the socket.
  private _matchesPong(data: MessageData): boolean {
    try {
      return this.options.isPong(data) === true;
    } catch {
      return false;
    }
  }

  private _ping(now: number): void {
    const { message } = this.options;
    let sent = false;
    try {
      sent = this.hooks._heartbeatPing(typeof message === 'function' ? message() : message);
    } catch {
      sent = false;
    }
    if (!sent) {
      // A ping that was never written cannot time out: look again after another interval.
      this._arm(now + this.options.interval);
      return;
    }
    this._pingAt = now;
    this._rttFrom = now;
    this._receivedAtPing = this._received;
    this._pendingAtPing = this.hooks._heartbeatPending();
    this._arm(now + this.options.timeout);
  }

  private _arm(at: number): void {
    this._due = at;
    this._timer.start(Math.max(0, at - this.clock.now()), () => this._check());
  }
}
