/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Where steadysocket gets time from. Injected so tests can advance a manual clock
 * instead of sleeping; every timer and deadline in `src/` goes through one.
 */
export interface Clock {
  /** Wall-clock milliseconds. Deadlines are judged against this, never by counting ticks. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and the global timers, looked up at call time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One timer that is pending or not; starting it again replaces it. The pattern every part
 * with a deadline uses (lifecycle, drain polling, expiry, heartbeat), written once.
 */
export class Timer {
  private handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  /** Whether it will still fire; for leak checks. */
  get pending(): boolean {
    return this.handle !== undefined;
  }

  /** Fires `callback` in `ms` (never, for `Infinity`), replacing a pending one. */
  start(ms: number, callback: () => void): void {
    this.stop();
    if (ms === Infinity) return;
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      callback();
    }, ms);
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
