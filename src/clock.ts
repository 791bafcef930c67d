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
