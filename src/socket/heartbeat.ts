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
  heartbeatPing(data: OutboundData): boolean;
  /** Bytes written but not yet sent by the native socket: shrinking means the link is alive. */
  heartbeatPending(): number;
  /** No sign of life within the timeout after a ping. */
  heartbeatDead(): void;
  /** A pong arrived `ms` after its ping. */
  heartbeatRtt(ms: number): void;
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
  private lastInbound = 0;
  /** When the ping under judgement was written; undefined when none is. */
  private pingAt: number | undefined;
  /** When the last ping was written, until a pong measures from it (it may come late). */
  private rttFrom: number | undefined;
  private pendingAtPing = 0;
  /** Inbound messages so far, and at the last ping: a count, so one in the ping's own ms counts too. */
  private received = 0;
  private receivedAtPing = 0;
  private readonly timer: Timer;
  private due = 0;
  private waiters: Waiter[] = [];

  constructor(
    private readonly options: ResolvedHeartbeat,
    private readonly clock: Clock,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.timer = new Timer(clock);
  }

  /** Whether a timer is pending; for leak checks. */
  get running(): boolean {
    return this.timer.pending;
  }

  /** The connection opened: silence is measured from now. */
  start(): void {
    this.lastInbound = this.clock.now();
    this.pingAt = this.rttFrom = undefined;
    this.arm(this.lastInbound + this.options.interval);
  }

  /** The connection is gone: clears the timer and rejects pending probes with `reason`. */
  stop(reason: unknown): void {
    this.timer.stop();
    this.pingAt = this.rttFrom = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(reason);
  }

  /**
   * Every inbound message goes through here. Returns `true` for a pong, which the caller
   * must not deliver as a message.
   */
  inbound(data: MessageData): boolean {
    const now = this.clock.now();
    this.lastInbound = now;
    this.received++;
    if (!this.matchesPong(data)) return false;
    if (this.pingAt !== undefined) {
      this.pingAt = undefined;
      this.arm(now + this.options.interval);
    }
    if (this.rttFrom !== undefined) {
      const rtt = now - this.rttFrom;
      this.rttFrom = undefined;
      this.hooks.heartbeatRtt(rtt);
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) waiter.resolve(rtt);
    }
    return true;
  }

  /** Pings now (unless a ping is already out) and resolves with the round-trip time. */
  probe(): Promise<number> {
    const result = new Promise<number>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.pingAt === undefined) this.ping(this.clock.now());
    return result;
  }

  private check(): void {
    const now = this.clock.now();
    if (this.pingAt === undefined) {
      const quietSince = this.lastInbound;
      if (now - quietSince < this.options.interval) this.arm(quietSince + this.options.interval);
      else this.ping(now);
      return;
    }
    if (this.received !== this.receivedAtPing) {
      // Other traffic proved life. A probe still waits for a pong: ask again.
      if (this.waiters.length > 0) this.ping(now);
      else {
        this.pingAt = undefined;
        this.arm(this.lastInbound + this.options.interval);
      }
      return;
    }
    const late = now - this.due > LATE_SLACK;
    const pending = this.hooks.heartbeatPending();
    if (late || pending < this.pendingAtPing) {
      // Late: judge a fresh ping instead. Draining: the ping is stuck behind our own data on a live link.
      this.ping(now);
      return;
    }
    this.timer.stop();
    this.pingAt = undefined;
    this.hooks.heartbeatDead();
  }

  // A user's isPong or message function that throws must not unwind into the socket.
  private matchesPong(data: MessageData): boolean {
    try {
      return this.options.isPong(data) === true;
    } catch {
      return false;
    }
  }

  private ping(now: number): void {
    const { message } = this.options;
    let sent = false;
    try {
      sent = this.hooks.heartbeatPing(typeof message === 'function' ? message() : message);
    } catch {
      sent = false;
    }
    if (!sent) {
      // A ping that was never written cannot time out: look again after another interval.
      this.arm(now + this.options.interval);
      return;
    }
    this.pingAt = now;
    this.rttFrom = now;
    this.receivedAtPing = this.received;
    this.pendingAtPing = this.hooks.heartbeatPending();
    this.arm(now + this.options.timeout);
  }

  private arm(at: number): void {
    this.due = at;
    this.timer.start(Math.max(0, at - this.clock.now()), () => this.check());
  }
}
