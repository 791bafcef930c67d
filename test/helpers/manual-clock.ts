import type { Clock, TimerHandle } from '../../src/socket/clock';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that moves only when a test says so. `advance` fires due timers in order
 * (including ones they schedule); `jump` moves wall-clock time without firing anything,
 * as a frozen or throttled tab experiences it.
 */
export class ManualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.timers.length;
  }

  /** Ms until the next timer fires, or undefined. */
  get nextIn(): number | undefined {
    const next = this.earliest();
    return next ? next.at - this.time : undefined;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let timer = this.earliest(); timer && timer.at <= end; timer = this.earliest()) {
      this.timers = this.timers.filter((t) => t !== timer);
      this.time = Math.max(this.time, timer.at);
      timer.callback();
    }
    this.time = end;
  }

  /** Fires the next timer, whenever it is due. */
  runNext(): void {
    const next = this.earliest();
    if (next) this.advance(next.at - this.time);
  }

  /** Moves wall-clock time without firing timers (they fire late, at the next advance). */
  jump(ms: number): void {
    this.time += ms;
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.id < best.id)) best = t;
    return best;
  }
}
