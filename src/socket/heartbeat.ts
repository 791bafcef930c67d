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
  /**
   * Writes pings at once, bypassing the queue (`_write(ping, true, true)`: `'written'`, or not
   * written), and counts the bytes written but not yet sent by the native socket (`_buffered`:
   * shrinking means the link is alive).
   */
  readonly _outbox: { _write(data: OutboundData, force: true, ping: true): unknown; _buffered(): number };
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

/**
 * Liveness of one connection, judged on wall-clock deadlines. Any inbound message proves
 * life; after `interval` of silence it pings; dead only when a ping was actually written
 * and nothing came back (and no outbound progress was made) within `timeout`.
 *
 * One timer at a time, and none after `stop()`.
 */
export class Heartbeat {
  /** When the last inbound message arrived (from start() on). */
  private _lastInbound!: number;
  // The two below are set by start(); before it (a session's frames come before the welcome)
  // they are undefined, which compares as neither: no ping out.
  /**
   * While a ping is under judgement, the bytes the socket had pending when it was written
   * (less later means our own data drained: the link is alive); -1 when none is.
   */
  private _judging!: number;
  /** When the last ping was written, until a pong measures from it (it may come late); -1 when none. */
  private _rttFrom!: number;
  /** Something arrived since the last ping (a flag, not a time: one in the ping's own ms counts too). */
  private _heard?: boolean;
  private readonly _timer: Timer;
  /** When the timer is due: a check that runs later than this by over LATE_SLACK was frozen. */
  private _due!: number;
  /** The probes waiting for a pong, if any: settled with the round-trip time or the reason the connection ended. */
  private _waiters: [resolve: (rtt: number) => void, reject: (reason: unknown) => void][] | undefined;

  constructor(
    private readonly _options: ResolvedHeartbeat,
    private readonly _clock: Clock,
    private readonly _hooks: HeartbeatHooks,
  ) {
    this._timer = new Timer(_clock);
  }

  /** The connection opened: silence is measured from now. */
  start(): void {
    // No probe waits (they ended with the last connection): this only resets. The open counts
    // as the last message in.
    this.stop();
    this._seen(false);
    this._arm(this._options.interval);
  }

  /** The connection is gone: clears the timer and rejects pending probes with `reason`. */
  stop(reason?: unknown): void {
    this._timer.stop();
    this._judging = this._rttFrom = -1;
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
    this._heard = true;
    // The answer to the last ping (a ping under judgement is always the last one): silence is
    // measured from now. A pong with no ping out is swallowed, and changes nothing.
    if (pong && this._rttFrom >= 0) {
      const rtt = now - this._rttFrom;
      this._judging = this._rttFrom = -1;
      this._arm(this._options.interval);
      this._hooks._heartbeatRtt(rtt);
      this._answer(0, rtt);
    }
    return pong;
  }

  /** Pings now (unless a ping is already out) and resolves with the round-trip time. */
  probe(): Promise<number> {
    const result = new Promise<number>((resolve, reject) => (this._waiters ??= []).push([resolve, reject]));
    if (this._judging < 0) this._ping();
    return result;
  }

  private _check(): void {
    const now = this._clock.now();
    const judging = this._judging;
    if (judging < 0 || (this._heard && !this._waiters)) {
      // No ping out, or other traffic proved life: ping after `interval` of silence.
      this._judging = -1;
      const wait = this._lastInbound + this._options.interval - now;
      if (wait > 0) this._arm(wait);
      else this._ping();
    } else if (this._heard || now - this._due > LATE_SLACK || this._hooks._outbox._buffered() < judging) {
      // Other traffic proved life, but a probe still waits for a pong: ask again. Late: judge a
      // fresh ping instead. Draining: the ping is stuck behind our own data on a live link.
      this._ping();
    } else {
      // On time, nothing arrived and our own data did not drain: dead (the owner stops it).
      this._hooks._heartbeatDead();
    }
  }

  private _ping(): void {
    const { message, interval, timeout } = this._options;
    let sent: boolean | undefined;
    try {
      sent = this._hooks._outbox._write(typeof message === 'function' ? message() : message, true, true) === 'written';
    } catch {
      // A user's message function that throws must not unwind into the socket: not written.
    }
    if (sent) {
      this._rttFrom = this._clock.now();
      this._heard = false;
      this._judging = this._hooks._outbox._buffered();
    }
    // A ping that was never written cannot time out: look again after another interval.
    this._arm(sent ? timeout : interval);
  }

  /** Settles the waiting probes: resolved (`0`) with the round-trip time, or rejected (`1`) with the reason. */
  private _answer(outcome: 0 | 1, value: unknown): void {
    const waiters = this._waiters;
    this._waiters = undefined;
    waiters?.forEach((waiter) => waiter[outcome](value as never));
  }

  /** Checks in `ms` (never negative: every caller passes a wait still to come). */
  private _arm(ms: number): void {
    this._due = this._clock.now() + ms;
    this._timer.start(ms, () => this._check());
  }
}
