/** What a {@link Timer} needs of a clock (the socket's `Clock` has it). */
export interface TimerClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * One timer that is pending or not; starting it again replaces it. The pattern every part
 * with a deadline uses (lifecycle, drain polling, expiry, heartbeat, the session server's
 * acks and expiry), written once, in the lowest layer so that client and server share it.
 */
export class Timer {
  private _handle: unknown;

  constructor(private readonly _clock: TimerClock) {}

  /** Whether it will still fire; for leak checks. */
  get pending(): boolean {
    return this._handle !== undefined;
  }

  /** Fires `callback` in `ms` (never, for `Infinity`), replacing a pending one. */
  start(ms: number, callback: () => void): void {
    this.stop();
    if (ms === Infinity) return;
    this._handle = this._clock.setTimeout(() => {
      this._handle = undefined;
      callback();
    }, ms);
  }

  stop(): void {
    if (this._handle === undefined) return;
    this._clock.clearTimeout(this._handle);
    this._handle = undefined;
  }
}
