import { backoffDelay, type BackoffPolicy } from './backoff';
import { planRetry, type RetryPlan } from './close-policy';
import type { SteadyCloseInfo } from './events';

/** The slice of the options the schedule needs. */
export interface RetrySettings extends BackoffPolicy {
  readonly maxRetries: number;
  readonly minUptime: number;
  readonly random: () => number;
}

/**
 * The backoff bookkeeping across attempts: how many retries this outage has made, the
 * delay used last (for decorrelated jitter), and when the last connection opened — the
 * count starts over only after a connection stayed up `minUptime`.
 */
export class RetrySchedule {
  /** Retries made so far in this outage. */
  retries = 0;
  private _previousDelay: number | undefined;
  private _openedAt: number | undefined;

  constructor(private readonly _settings: RetrySettings) {}

  /** A connection opened at `now`. */
  opened(now: number): void {
    this._openedAt = now;
  }

  /** Starts over (`reconnect()`). */
  reset(): void {
    this.retries = 0;
    this._previousDelay = this._openedAt = undefined;
  }

  /**
   * Decides after an attempt or connection ended at `now`. `ask` is the user's
   * `shouldReconnect`, given the retries made so far. A retry is counted when planned.
   */
  next(info: SteadyCloseInfo, now: number, ask: (attempt: number) => boolean | number | undefined): RetryPlan {
    const { random, maxRetries, minUptime } = this._settings;
    if (this._openedAt !== undefined && now - this._openedAt >= minUptime) this.reset();
    this._openedAt = undefined;
    const attempt = this.retries;
    const backoff = backoffDelay(attempt, this._settings, random, this._previousDelay);
    const plan = planRetry(info.code, attempt, maxRetries, backoff, random(), ask(attempt));
    if (plan.retry) {
      this.retries++;
      this._previousDelay = plan.delay;
    }
    return plan;
  }
}
