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
  _retries = 0;
  private _previousDelay: number | undefined;
  private _openedAt: number | undefined;

  constructor(private readonly _settings: RetrySettings) {}

  /** A connection opened at `now`. */
  _opened(now: number): void {
    this._openedAt = now;
  }

  /** Starts over (`reconnect()`). */
  _reset(): void {
    this._retries = 0;
    this._previousDelay = this._openedAt = undefined;
  }

  /**
   * Decides after an attempt or connection ended at `now`. `ask` is the user's
   * `shouldReconnect`, given the retries made so far. A retry is counted when planned.
   */
  _next(info: SteadyCloseInfo, now: number, ask: (attempt: number) => boolean | number | undefined): RetryPlan {
    const { random, maxRetries, minUptime } = this._settings;
    if (this._openedAt !== undefined && now - this._openedAt >= minUptime) this._reset();
    this._openedAt = undefined;
    const attempt = this._retries;
    const backoff = backoffDelay(attempt, this._settings, random, this._previousDelay);
    const plan = planRetry(info.code, attempt, maxRetries, backoff, random(), ask(attempt));
    if (typeof plan === 'number') {
      this._retries++;
      this._previousDelay = plan;
    }
    return plan;
  }
}
