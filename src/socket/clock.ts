/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Where steadysocket gets time from. Injected so tests can advance a manual clock
 * instead of sleeping; every timer and deadline in `src/` goes through one.
 */
export interface Clock {
  /** Wall-clock milliseconds. Deadlines are judged against this, never by counting ticks. */
  now(): number;
  /** Calls `callback` once, `ms` from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not fired; a no-op otherwise. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now` and the global timers, looked up at call time. A delay longer
 * than setTimeout can take (about 24.8 days) is waited out in several steps.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle: { id?: ReturnType<typeof setTimeout> } = {};
    // 2^31 - 1: the longest delay the global setTimeout takes; longer ones fire at once.
    const wait = (left: number, max = 2_147_483_647) => {
      handle.id = setTimeout(left > max ? () => wait(left - max) : callback, Math.min(left, max));
    };
    wait(ms);
    return handle;
  },
  clearTimeout: (handle) => clearTimeout((handle as { id?: ReturnType<typeof setTimeout> }).id),
};

export { Timer } from '../session/timer';
