/**
 * A small model of what SteadySocket's lifecycle must do, written from the contract
 * (API.md §2–3), for the model-based test: the state it must be in, and the lifecycle events
 * (`state`, `open`, `close`, `reconnecting`, `error`) each step must produce, in order.
 *
 * The model owns the one lifecycle deadline (connect timeout, backoff wait, close timeout)
 * and replays the retry decisions: backoff through the pure `backoffDelay` (property-tested
 * on its own), the close-code policy, `maxRetries`, `minUptime`, `shouldReconnect`.
 * The heartbeat is not replayed: a death it reports is accepted only if it came no sooner
 * than `timeout` after the earliest moment a ping may have gone out (`interval` after the
 * last inbound message, or at once for a probe), and then applied as a loss.
 */
import { backoffDelay, type Jitter } from '../../src/socket/backoff';
import type { ConnectionState } from '../../src/socket/state';

export interface ModelConfig {
  readonly jitter: Jitter;
  /** What the injected `random` always returns: the delays are then exactly predictable. */
  readonly random: number;
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly maxRetries: number;
  readonly connectTimeout: number;
  readonly minUptime: number;
  readonly closeTimeout: number;
  readonly heartbeat: { readonly interval: number; readonly timeout: number } | false;
  readonly queue: {
    readonly maxMessages: number;
    readonly maxBytes: number;
    readonly overflow: 'reject' | 'drop-oldest';
    readonly maxAge: number;
    readonly highWaterMark: number;
  };
  /** Whether `shouldReconnect` is given: {@link policy}. */
  readonly policy: boolean;
  /**
   * The URL as a string, or a provider: async, or async and failing every third call.
   * Only the loose runs (listeners calling back) use providers: the model does not replay them.
   */
  readonly url?: 'static' | 'async' | 'flaky';
}

/** The `shouldReconnect` of runs with `policy`: 4001 declines, 4002 waits 123 ms, the rest use the backoff. */
export function policy(event: { code: number }): boolean | number {
  return event.code === 4001 ? false : event.code === 4002 ? 123 : true;
}

/** Codes after which retrying cannot help (API.md §2), and the error each gives up with. */
const STOP: Readonly<Record<number, string>> = {
  1002: 'PROTOCOL_ERROR',
  1003: 'UNSUPPORTED_DATA',
  1007: 'INVALID_PAYLOAD',
  1008: 'POLICY_VIOLATION',
  1009: 'MESSAGE_TOO_BIG',
  1010: 'MANDATORY_EXTENSION',
};

/** The native socket of the current attempt, as the network commands may drive it. */
export type NativeState = 'connecting' | 'open' | 'closing' | 'none';

export class SocketModel {
  state: ConnectionState = 'connecting';
  native: NativeState = 'connecting';
  closeCalled = false;
  /** Requests issued so far (the abort step needs one). */
  requests = 0;
  now: number;
  /** The lifecycle deadline, by state: connect timeout, end of the backoff wait, close timeout. */
  due: number | undefined;
  /** Lifecycle events the current step must produce, as `log` strings. */
  expected: string[] = [];
  private retries = 0;
  private previous: number | undefined;
  private openedAt: number | undefined;
  /** The earliest time a ping may have been written since the last sign of life. */
  private pingFloor = 0;
  /** A probe (or a wake-up's probe) waits for its pong: it pings again after any message. */
  private probing = false;

  constructor(
    readonly config: ModelConfig,
    now: number,
  ) {
    this.now = now;
    this.due = now + config.connectTimeout;
  }

  /** Starts a step: the events it must produce are collected afresh. */
  step(): void {
    this.expected = [];
  }

  /**
   * Loose runs (listeners call back into the socket; providers; probes): the model does not
   * predict, it takes the state the socket reached, and only the invariants are checked.
   */
  sync(observed: { state: ConnectionState; native: NativeState; closeCalled: boolean; now: number }): void {
    this.state = observed.state;
    this.native = observed.native;
    this.closeCalled = observed.closeCalled;
    this.now = observed.now;
    this.expected = [];
  }

  // ---- user calls ----

  close(code: number | undefined): void {
    this.closeCalled = true;
    if (this.state === 'open') {
      this.to('closing');
      this.native = 'closing';
      this.due = this.now + this.config.closeTimeout;
    } else if (this.state === 'connecting') {
      this.finish(1006); // the handshake under way is aborted: the native 1006
    } else if (this.state === 'reconnecting') {
      this.finish(code ?? 1005);
    }
  }

  reconnect(): void {
    if (this.closeCalled) return;
    if (this.state === 'open') this.emit('close:1000:r');
    this.retries = 0;
    this.previous = this.openedAt = undefined;
    this.connect();
  }

  // ---- network events on the current native socket ----

  opened(): void {
    this.to('open');
    this.native = 'open';
    this.due = undefined;
    this.openedAt = this.now;
    this.probing = false;
    this.pingFloor = this.now + this.interval();
    this.emit('open');
  }

  message(pong: boolean): void {
    if (this.state !== 'open') return;
    if (pong) this.probing = false;
    this.pingFloor = this.probing ? this.now : this.now + this.interval();
  }

  /** `probe()`, or a wake-up (online, visible again) while open: a ping now. */
  probe(): void {
    if (this.state !== 'open' || !this.config.heartbeat) return;
    this.probing = true;
    this.pingFloor = Math.min(this.pingFloor, this.now);
  }

  /** A wake-up event: skips the backoff wait, or probes an open connection. */
  wake(): void {
    if (this.state === 'reconnecting') this.connect();
    else this.probe();
  }

  error(): void {
    this.emit('error:CONNECTION_ERROR');
  }

  closed(code: number): void {
    if (this.state === 'closing') this.finish(code);
    else this.lose(code);
  }

  // ---- time ----

  /**
   * Time moves on by `ms`, firing the lifecycle deadline each time it falls due. `deaths`
   * are the times of the heartbeat deaths the socket reported meanwhile: each is checked
   * against the model (only while open, never too early) and applied in turn.
   * Returns why a death was refused, if one was.
   */
  advance(ms: number, deaths: number[]): string | undefined {
    const end = this.now + ms;
    for (;;) {
      const death = deaths[0];
      if (death !== undefined && death <= end && (this.due === undefined || death < this.due)) {
        const hb = this.config.heartbeat;
        if (!hb) return `a heartbeat death at +${death - this.now} ms with the heartbeat off`;
        if (this.state !== 'open') return `a heartbeat death while ${this.state}`;
        const earliest = this.pingFloor + hb.timeout;
        if (death < earliest) return `a heartbeat death ${earliest - death} ms too early`;
        deaths.shift();
        this.now = Math.max(this.now, death);
        this.emit('error:HEARTBEAT_TIMEOUT');
        this.lose(4000);
        continue;
      }
      if (this.due === undefined || this.due > end) break;
      // ManualClock fires a timer that was due during a jump as soon as time moves again.
      this.now = Math.max(this.now, this.due);
      this.fire();
    }
    this.now = end;
    return deaths.length > 0 ? `${deaths.length} heartbeat death(s) the model cannot place` : undefined;
  }

  /** Wall-clock time moves without any timer firing (a frozen tab). */
  jump(ms: number): void {
    this.now += ms;
  }

  // ---- the lifecycle ----

  private interval(): number {
    return this.config.heartbeat ? this.config.heartbeat.interval : Infinity;
  }

  private fire(): void {
    this.due = undefined;
    if (this.state === 'connecting') {
      this.emit('error:CONNECT_TIMEOUT');
      this.lose(1006);
    } else if (this.state === 'reconnecting') {
      this.connect();
    } else if (this.state === 'closing') {
      this.emit('error:CLOSE_TIMEOUT');
      this.finish(1006);
    }
  }

  private connect(): void {
    if (this.state !== 'connecting') this.to('connecting');
    this.native = 'connecting';
    this.due = this.now + this.config.connectTimeout;
  }

  /** The connection or attempt ended without close(): retry, or give up. */
  private lose(code: number): void {
    const c = this.config;
    if (this.openedAt !== undefined && this.now - this.openedAt >= c.minUptime) {
      this.retries = 0;
      this.previous = undefined;
    }
    this.openedAt = undefined;
    this.native = 'none';
    this.probing = false;
    const attempt = this.retries;
    const backoff = backoffDelay(attempt, c, () => c.random, this.previous);
    const plan = this.plan(code, attempt, backoff);
    if (typeof plan === 'string') {
      this.emit(`error:${plan}`);
      this.finish(code);
      return;
    }
    this.retries++;
    this.previous = plan;
    this.to('reconnecting');
    this.due = this.now + plan;
    this.emit(`close:${code}:r`, `reconnecting:${this.retries}:${plan}`);
  }

  /** The delay of the retry, or why there is none. */
  private plan(code: number, attempt: number, backoff: number): number | string {
    const c = this.config;
    let delay = backoff;
    if (c.policy) {
      const override = policy({ code });
      if (override === false) return 'RECONNECT_DECLINED';
      if (typeof override === 'number') delay = override;
    } else {
      if (STOP[code]) return STOP[code];
      // 1012/1013: "retry later", a random 5–30 s even above maxDelay.
      if (code === 1012 || code === 1013) delay = Math.max(backoff, 5_000 + c.random * 25_000);
    }
    return attempt >= c.maxRetries ? 'RETRIES_EXHAUSTED' : delay;
  }

  private finish(code: number): void {
    this.to('closed');
    this.native = 'none';
    this.due = undefined;
    this.emit(`close:${code}:final`);
  }

  private to(state: ConnectionState): void {
    this.state = state;
    this.emit(`state:${state}`);
  }

  private emit(...events: string[]): void {
    this.expected.push(...events);
  }
}
