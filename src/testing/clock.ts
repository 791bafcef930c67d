import type { Clock, TimerHandle } from '../socket/index';
import { flushNetwork, LOOP_LIMIT, nextTurn, runSoon, type DueWork } from './network';

/** Options of {@link createTestClock}. */
export interface TestClockOptions {
  /**
   * What `now()` reads at first, in ms since the epoch.
   * @default 1_700_000_000_000 (November 2023)
   */
  start?: number;
  /**
   * Whether timers due at the current time (a socket's first attempt, a 0 ms retry) fire
   * by themselves on the event loop's next turn, as real ones would (a real `setTimeout(0)`:
   * under a test runner's fake timers, when those run). With `false`, only `advance`,
   * `advanceAsync` and `next` fire anything.
   * @default true
   */
  autoRun?: boolean;
}

/**
 * A clock for `options.clock` that moves only when the test says so: backoff waits, connect
 * timeouts, heartbeats and `maxAge` pass at once, and a test never waits on real delays.
 * The test kit's network delivers everything in flight before each timer fires, so a
 * connection never loses a race against a timeout that real time would have let it win.
 */
export interface TestClock extends Clock {
  /** The clock's time, in ms since the epoch. */
  now(): number;
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order, including the
   * ones those timers set, with the test network's deliveries in between.
   * @example clock.advance(30_000); // a 30 s backoff wait passes at once
   */
  advance(ms: number): void;
  /**
   * {@link TestClock.advance}, letting the event loop turn after every timer, for code
   * that awaits promises in between (an async URL provider, your app's own `await`s).
   * @example await clock.advanceAsync(10_000);
   */
  advanceAsync(ms: number): Promise<void>;
  /** Moves time to the next timer and fires it (and any due with it); `false` if none is set. */
  next(): boolean;
  /** How many timers are set and not yet fired or cleared. */
  readonly pending: number;
  /** Ms until the next timer is due, or `undefined` when none is set. */
  readonly nextIn: number | undefined;
}

/**
 * A {@link TestClock} for `new SteadySocket(url, { clock })` (and `channels(socket, { clock })`).
 * @example
 * const clock = createTestClock();
 * const ws = new SteadySocket(url, { WebSocket: server.WebSocket, clock });
 * server.drop();
 * clock.advance(30_000); // the backoff wait passes at once
 * await server.connected();
 */
export function createTestClock(options: TestClockOptions = {}): TestClock {
  const { start = 1_700_000_000_000, autoRun = true } = options;
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new TypeError(`createTestClock: start must be a finite number of ms, got ${String(start)}`);
  if (typeof autoRun !== 'boolean') throw new TypeError(`createTestClock: autoRun must be a boolean, got ${typeof autoRun}`);
  return new ManualTestClock(start, autoRun);
}

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
}

class ManualTestClock implements TestClock, DueWork {
  private _timers: Timer[] = [];
  private _nextId = 1;

  constructor(
    private _time: number,
    private readonly _autoRun: boolean,
  ) {}

  now(): number {
    return this._time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    if (typeof callback !== 'function') throw new TypeError('TestClock.setTimeout: callback must be a function');
    // As the global setTimeout: NaN or a negative delay means now.
    const delay = ms > 0 ? ms : 0;
    const timer: Timer = { id: this._nextId++, at: this._time + delay, callback };
    this._timers.push(timer);
    if (delay === 0 && this._autoRun) runSoon(this);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    const index = this._timers.findIndex((timer) => timer.id === handle);
    if (index !== -1) this._timers.splice(index, 1);
  }

  get pending(): number {
    return this._timers.length;
  }

  get nextIn(): number | undefined {
    const timer = this._earliest();
    return timer && timer.at - this._time;
  }

  advance(ms: number): void {
    const end = this._time + checkMs(ms, 'advance');
    this._sameInstant = 0;
    flushNetwork();
    for (let timer = this._due(end); timer; timer = this._due(end)) this._fire(timer);
    this._time = end;
  }

  async advanceAsync(ms: number): Promise<void> {
    const end = this._time + checkMs(ms, 'advanceAsync');
    this._sameInstant = 0;
    await nextTurn();
    flushNetwork();
    for (let timer = this._due(end); timer; timer = this._due(end)) {
      this._fire(timer);
      await nextTurn();
      flushNetwork();
    }
    this._time = Math.max(this._time, end);
  }

  next(): boolean {
    const timer = this._earliest();
    if (!timer) return false;
    this.advance(timer.at - this._time);
    return true;
  }

  /** @internal */
  _runDue(): void {
    this.advance(0);
  }

  /** Fired at the same instant in a row; past LOOP_LIMIT, a timer re-arms itself at 0 ms. */
  private _sameInstant = 0;

  private _fire(timer: Timer): void {
    this._timers.splice(this._timers.indexOf(timer), 1);
    if (timer.at > this._time) {
      this._time = timer.at;
      this._sameInstant = 0;
    } else if (++this._sameInstant > LOOP_LIMIT) {
      this._sameInstant = 0;
      throw new RangeError(`TestClock: more than ${LOOP_LIMIT} timers fired at one instant; a timer that sets itself again at 0 ms?`);
    }
    timer.callback();
    flushNetwork();
  }

  /** The earliest timer due by `end`, if any. */
  private _due(end: number): Timer | undefined {
    const timer = this._earliest();
    return timer && timer.at <= end ? timer : undefined;
  }

  private _earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this._timers) if (!best || timer.at < best.at) best = timer;
    return best;
  }
}

function checkMs(ms: unknown, method: string): number {
  if (typeof ms !== 'number' || !(ms >= 0) || ms === Infinity) {
    throw new RangeError(`TestClock.${method}: expected a finite number of ms ≥ 0, got ${String(ms)}`);
  }
  return ms;
}
