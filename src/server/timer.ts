import type { Clock, TimerHandle } from '../socket/index';

/** One pending callback on a {@link Clock}, or none; starting it again replaces it. */
export class Timer {
  private _handle: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  /** Whether it will still fire. */
  get pending(): boolean {
    return this._handle !== undefined;
  }

  start(ms: number, callback: () => void): void {
    this.stop();
    this._handle = this.clock.setTimeout(() => {
      this._handle = undefined;
      callback();
    }, ms);
  }

  stop(): void {
    if (this._handle !== undefined) this.clock.clearTimeout(this._handle);
    this._handle = undefined;
  }
}
