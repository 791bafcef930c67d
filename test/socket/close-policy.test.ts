import { describe, expect, it } from 'vitest';
import { closeVerdict, LATER_MAX, LATER_MIN, planRetry, stopReason } from '../../src/socket/close-policy';

/** planRetry's arguments by name, for the table. */
interface RetryInput {
  code: number;
  attempt: number;
  maxRetries: number;
  backoff: number;
  random: number;
  override?: boolean | number;
}

describe('#closeVerdict', () => {
  it.each([
    [1000, 'retry'], // normal closure by the server: a client that must stay connected comes back
    [1001, 'retry'], // going away
    [1002, 'stop'],
    [1003, 'stop'],
    [1005, 'retry'], // no status
    [1006, 'retry'], // abnormal: the network
    [1007, 'stop'],
    [1008, 'stop'],
    [1009, 'stop'],
    [1010, 'stop'],
    [1011, 'retry'], // internal error
    [1012, 'retry-later'],
    [1013, 'retry-later'],
    [1014, 'retry'], // bad gateway
    [1015, 'retry'],
    [3000, 'retry'],
    [4000, 'retry'], // our heartbeat timeout
    [4999, 'retry'],
  ] as const)('%i → %s', (code, verdict) => {
    expect(closeVerdict(code)).toBe(verdict);
  });

  it.each([
    [1002, 'PROTOCOL_ERROR'],
    [1003, 'UNSUPPORTED_DATA'],
    [1007, 'INVALID_PAYLOAD'],
    [1008, 'POLICY_VIOLATION'],
    [1009, 'MESSAGE_TOO_BIG'],
    [1010, 'MANDATORY_EXTENSION'],
    [1006, undefined],
  ] as const)('stop code %i reports %s', (code, reason) => {
    expect(stopReason(code)).toBe(reason);
  });
});

describe('#planRetry', () => {
  const base: RetryInput = { code: 1006, attempt: 0, maxRetries: Infinity, backoff: 750, random: 0.5 };

  it.each<[string, Partial<RetryInput>, ReturnType<typeof planRetry>]>([
    ['network loss retries after the backoff', {}, 750],
    ['1008 stops', { code: 1008 }, 'POLICY_VIOLATION'],
    ['1002 stops', { code: 1002 }, 'PROTOCOL_ERROR'],
    ['1013 waits a random 5–30 s', { code: 1013, random: 0 }, LATER_MIN],
    ['1012 at random→1 waits 30 s', { code: 1012, random: 0.999999 }, LATER_MIN + 0.999999 * (LATER_MAX - LATER_MIN)],
    ['1013 keeps a longer backoff', { code: 1013, backoff: 40_000, random: 0 }, 40_000],
    ['retries exhausted', { attempt: 3, maxRetries: 3 }, 'RETRIES_EXHAUSTED'],
    ['maxRetries 0 never retries', { maxRetries: 0 }, 'RETRIES_EXHAUSTED'],
    ['under maxRetries retries', { attempt: 2, maxRetries: 3 }, 750],
    ['override false stops', { override: false }, 'RECONNECT_DECLINED'],
    ['override true retries a stop code', { code: 1008, override: true }, 750],
    ['override number is the delay', { code: 1008, override: 42 }, 42],
    ['override 0 retries at once', { override: 0 }, 0],
    ['override NaN falls back to the backoff', { override: NaN }, 750],
    ['override negative falls back to the backoff', { override: -5 }, 750],
    ['override still bounded by maxRetries', { override: true, attempt: 1, maxRetries: 1 }, 'RETRIES_EXHAUSTED'],
    ['a stop code wins over exhausted retries', { code: 1008, attempt: 9, maxRetries: 1 }, 'POLICY_VIOLATION'],
  ])('%s', (_name, input, expected) => {
    const { code, attempt, maxRetries, backoff, random, override } = { ...base, ...input };
    expect(planRetry(code, attempt, maxRetries, backoff, random, override)).toEqual(expected);
  });
});
