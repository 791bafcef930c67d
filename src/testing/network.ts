import { systemClock } from '../socket/index';

/**
 * The in-memory network of the test kit, and the one place it touches real time.
 *
 * What a client does (a handshake, a message, a closing handshake) is a delivery queued
 * here. Deliveries happen at the test's current instant: every test clock runs them before
 * it fires a timer and when an `advance` ends, so a connect timeout or a heartbeat never
 * races a delivery, whatever the clock jumps over. Work that is due now and that nobody
 * advances for (queued deliveries, and timers a test clock holds at its current time, such
 * as a socket's first attempt) runs on the event loop's next turn, as a real
 * `setTimeout(0)` would: `await server.connected()` needs no `advance`.
 */

/** A test clock, as the network sees it: something that may hold timers due now. */
export interface DueWork {
  /** Fires the timers due at the clock's current time. */
  _runDue(): void;
}

/** Most deliveries one flush, or timers one instant, may run: past it, something loops at 0 ms. */
export const LOOP_LIMIT = 10_000;

const deliveries: Array<() => void> = [];
const dueClocks = new Set<DueWork>();
let turnPending = false;

/** Queues a delivery; it runs before any test clock moves on, or on the next turn. */
export function deliver(task: () => void): void {
  deliveries.push(task);
  scheduleTurn();
}

/** Runs every queued delivery, including the ones they queue, in order. */
export function flushNetwork(): void {
  for (let ran = 0; deliveries.length > 0; ran++) {
    if (ran === LOOP_LIMIT) {
      deliveries.length = 0;
      throw new RangeError(`steadysocket/testing: more than ${LOOP_LIMIT} deliveries at one instant; a client and server that answer each other forever?`);
    }
    deliveries.shift()!();
  }
}

/** `clock` holds timers due now: they fire on the next turn unless an advance fires them first. */
export function runSoon(clock: DueWork): void {
  dueClocks.add(clock);
  scheduleTurn();
}

function scheduleTurn(): void {
  if (turnPending) return;
  turnPending = true;
  // The real clock, looked up at call time: under a test runner's fake timers, this turn
  // comes when those timers are run.
  systemClock.setTimeout(turn, 0);
}

function turn(): void {
  turnPending = false;
  flushNetwork();
  const clocks = [...dueClocks];
  dueClocks.clear();
  for (const clock of clocks) clock._runDue();
}

/** One turn of the event loop: promise callbacks and the network's own turn run before it ends. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => systemClock.setTimeout(resolve, 0));
}
