import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/socket/clock';
import { DEFAULTS, type SteadySocketOptions } from '../../src/socket/options';
import { resolveOptions } from '../../src/socket/resolve-options';

describe('#resolveOptions', () => {
  it('fills in every default, and shares one object among sockets that set nothing', () => {
    const resolved = resolveOptions({});
    expect(resolved).toMatchObject({
      minDelay: DEFAULTS.minDelay,
      maxDelay: DEFAULTS.maxDelay,
      factor: DEFAULTS.factor,
      jitter: 'full',
      maxRetries: Infinity,
      connectTimeout: DEFAULTS.connectTimeout,
      minUptime: DEFAULTS.minUptime,
      closeTimeout: DEFAULTS.closeTimeout,
      shouldReconnect: undefined,
      queue: DEFAULTS.queue,
      heartbeat: null,
      resume: null,
      clock: systemClock,
      lifecycleEvents: undefined,
      logger: undefined,
    });
    expect(resolved.random()).toBeGreaterThanOrEqual(0);
    expect(resolveOptions({ protocols: 'x', startClosed: true })).toBe(resolved);
  });

  it('takes what is given', () => {
    const shouldReconnect = () => false;
    const random = () => 0.5;
    const logger = {};
    const resolved = resolveOptions({ minDelay: 0, maxDelay: 0, factor: 1, jitter: 'none', maxRetries: 3, connectTimeout: Infinity, shouldReconnect, random, logger, lifecycleEvents: null });
    expect(resolved).toMatchObject({ minDelay: 0, maxDelay: 0, factor: 1, jitter: 'none', maxRetries: 3, connectTimeout: Infinity, shouldReconnect, random, logger, lifecycleEvents: null });
  });

  it('lowers the default minDelay to a lower maxDelay, but refuses a given one above it', () => {
    expect(resolveOptions({ maxDelay: 500 }).minDelay).toBe(500);
    expect(() => resolveOptions({ maxDelay: 10, minDelay: 20 })).toThrow(new RangeError('SteadySocket: minDelay must be at most maxDelay (10), got 20'));
  });

  it('resolves the nested groups: queue always, heartbeat and resume when asked for', () => {
    expect(resolveOptions({ queue: { maxMessages: 5 } }).queue).toEqual({ ...DEFAULTS.queue, maxMessages: 5 });
    expect(resolveOptions({ heartbeat: true }).heartbeat).toEqual(DEFAULTS.heartbeat);
    expect(resolveOptions({ heartbeat: { interval: 5, message: 'p' } }).heartbeat).toEqual({ ...DEFAULTS.heartbeat, interval: 5, message: 'p' });
    expect(resolveOptions({ heartbeat: false, minDelay: 1 }).heartbeat).toBeNull();
    expect(resolveOptions({ resume: true }).resume).toEqual({ messages: DEFAULTS.resume.maxMessages, bytes: DEFAULTS.resume.maxBytes });
    expect(resolveOptions({ resume: { maxBytes: 10 } }).resume).toEqual({ messages: DEFAULTS.resume.maxMessages, bytes: 10 });
  });

  it.each([
    [{ minDelay: -1 }, RangeError, "minDelay must be a finite number >= 0, got -1"],
    [{ maxDelay: Infinity }, RangeError, 'maxDelay must be a finite number >= 0, got Infinity'],
    [{ minDelay: 'x' }, TypeError, "minDelay must be a finite number >= 0, got 'x'"],
    [{ minUptime: NaN }, TypeError, 'minUptime must be a finite number >= 0, got NaN'],
    [{ factor: 0.5 }, RangeError, 'factor must be a finite number >= 1, got 0.5'],
    [{ jitter: 'some' }, RangeError, "jitter must be one of full, equal, decorrelated, none, got 'some'"],
    [{ maxRetries: 1.5 }, RangeError, 'maxRetries must be a whole number >= 0 or Infinity, got 1.5'],
    [{ connectTimeout: 0 }, RangeError, 'connectTimeout must be a number > 0 or Infinity, got 0'],
    [{ closeTimeout: -5 }, RangeError, 'closeTimeout must be a number > 0 or Infinity, got -5'],
    [{ shouldReconnect: 5 }, TypeError, 'shouldReconnect must be a function, got 5'],
    [{ random: null }, TypeError, 'random must be a function, got null'],
    [{ queue: { overflow: 'explode' } }, RangeError, "queue.overflow must be one of reject, drop-oldest, got 'explode'"],
    [{ queue: { maxBytes: -1 } }, RangeError, 'queue.maxBytes must be a whole number >= 0 or Infinity, got -1'],
    [{ queue: { maxAge: 0 } }, RangeError, 'queue.maxAge must be a number > 0 or Infinity, got 0'],
    [{ heartbeat: { interval: Infinity } }, RangeError, 'heartbeat.interval must be a finite number > 0, got Infinity'],
    [{ heartbeat: { isPong: 'pong' } }, TypeError, "heartbeat.isPong must be a function, got 'pong'"],
    [{ resume: { maxMessages: 1.5 } }, RangeError, 'resume.maxMessages must be a whole number > 0, got 1.5'],
    [{ resume: { maxBytes: Infinity } }, RangeError, 'resume.maxBytes must be a whole number > 0, got Infinity'],
  ])('refuses %j with a %o naming the option, what it must be and what it got', (options, Type, message) => {
    expect(() => resolveOptions(options as SteadySocketOptions)).toThrow(new Type(`SteadySocket: ${message}`));
    expect(() => resolveOptions(options as SteadySocketOptions)).toThrow(Type);
  });
});
