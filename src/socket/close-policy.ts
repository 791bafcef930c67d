import type { SteadySocketErrorCode } from './errors';

/** What a close code says about retrying. */
export type CloseVerdict = 'stop' | 'retry' | 'retry-later';

/**
 * Codes after which retrying the same request cannot succeed (RFC 6455 §7.4.1).
 * Each maps to the error code reported when the socket gives up because of it.
 */
const STOP_CODES: { readonly [code: number]: SteadySocketErrorCode | undefined } = {
  1002: 'PROTOCOL_ERROR',
  1003: 'UNSUPPORTED_DATA',
  1007: 'INVALID_PAYLOAD',
  1008: 'POLICY_VIOLATION',
  1009: 'MESSAGE_TOO_BIG',
  1010: 'MANDATORY_EXTENSION',
};

/**
 * The default policy: stop on codes that say retrying will not help, retry later on
 * 1012 (Service Restart) and 1013 (Try Again Later), retry on everything else.
 */
export function closeVerdict(code: number): CloseVerdict {
  return STOP_CODES[code] ? 'stop' : code === 1012 || code === 1013 ? 'retry-later' : 'retry';
}

/** The error code to report when giving up because of `code`, if it is a stop code. */
export function stopReason(code: number): SteadySocketErrorCode | undefined {
  return STOP_CODES[code];
}

/**
 * The IANA registry's advice for 1012/1013: wait a random 5–30 s. Applied even above
 * `maxDelay`, so a restarting fleet is not hit by every client at once.
 */
export const LATER_MIN = 5_000;
export const LATER_MAX = 30_000;

/**
 * What to do after an attempt ended: retry after this many ms (a number), or give up for
 * this reason (an error code). One value, not an object: the call is in every app's bundle.
 */
export type RetryPlan = number | SteadySocketErrorCode;

/** The user's override: `false` stops, `true` uses the backoff, a number is the delay in ms. */
export type ShouldReconnect<E> = (closeEvent: E, attempt: number) => boolean | number;

/**
 * Decides whether and when to retry. Pure, so it is testable by tables; its inputs are
 * arguments rather than an object, as every app ships this call.
 *
 * @param code - The close code of the attempt that ended.
 * @param attempt - Retries made so far in this outage, from 0.
 * @param maxRetries - Retries allowed per outage.
 * @param backoff - The backoff delay for this attempt (already jittered).
 * @param random - A number in [0, 1) used for the 5–30 s "later" window.
 * @param override - The result of `shouldReconnect`, when the user gave one.
 */
export function planRetry(code: number, attempt: number, maxRetries: number, backoff: number, random: number, override?: boolean | number): RetryPlan {
  let delay = backoff;
  if (override === false) return 'RECONNECT_DECLINED';
  // `true`, or a number we cannot use (NaN, negative, Infinity), keeps the backoff.
  if (typeof override === 'number' && override >= 0 && override < Infinity) delay = override;
  else if (override === undefined) {
    const reason = STOP_CODES[code];
    if (reason) return reason;
    if (code === 1012 || code === 1013) delay = Math.max(backoff, LATER_MIN + random * (LATER_MAX - LATER_MIN));
  }
  return attempt >= maxRetries ? 'RETRIES_EXHAUSTED' : delay;
}
