import { describe, expect, it } from 'vitest';
import { channels, jsonCodec, type ChannelsOptions } from '../../src/channels/index';
import { CHANNELS_DEFAULTS, resolveChannelsOptions } from '../../src/channels/options';
import { systemClock } from '../../src/socket/index';
import type { SteadySocket } from '../../src/socket/index';
import { onTestServer } from '../helpers/kit';
import { settle } from '../helpers/setup';

describe('resolveChannelsOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveChannelsOptions()).toEqual({ codec: jsonCodec, maxMessageSize: 1_048_576, requestTimeout: 10_000, clock: systemClock, logger: undefined,
      limits: { iteratorBytes: 4_194_304, validating: 1000, validatingBytes: 4_194_304, pendingRequests: 10_000, pendingRequestBytes: 4_194_304 },
    });
    expect(() => resolveChannelsOptions({ limits: { validating: 0 } })).toThrow(RangeError);
    expect(() => resolveChannelsOptions({ limits: { iteratorBytes: 'x' as never } })).toThrow(/limits\.iteratorBytes/);
    expect(CHANNELS_DEFAULTS).toEqual({ ...resolveChannelsOptions(), codec: undefined, clock: undefined, logger: undefined });
    expect(Object.isFrozen(CHANNELS_DEFAULTS.limits)).toBe(true);
    expect(Object.isFrozen(CHANNELS_DEFAULTS)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['requestTimeout', Infinity],
    ['requestTimeout', 0.5],
    ['maxMessageSize', 0],
    ['maxMessageSize', Infinity],
  ])('accepts %s: %s', (name, value) => {
    expect(resolveChannelsOptions({ [name]: value } as ChannelsOptions)).toMatchObject({ [name]: value });
  });

  it.each<[string, unknown, ErrorConstructor]>([
    ['requestTimeout', '5s', TypeError],
    ['requestTimeout', NaN, TypeError],
    ['requestTimeout', 0, RangeError],
    ['requestTimeout', -1, RangeError],
    ['maxMessageSize', '1mb', TypeError],
    ['maxMessageSize', 1.5, RangeError],
    ['maxMessageSize', -1, RangeError],
    ['codec', { encode: JSON.stringify }, TypeError],
    ['codec', null, TypeError],
    ['clock', { now: Date.now }, TypeError],
    ['clock', 'system', TypeError],
  ])('refuses %s: %s, with a %o naming it', (name, value, type) => {
    const attempt = () => resolveChannelsOptions({ [name]: value } as ChannelsOptions);
    expect(attempt).toThrow(type);
    expect(attempt).toThrow(name);
  });

  it('refuses options that are not an object', () => {
    expect(() => resolveChannelsOptions(null as never)).toThrow(TypeError);
  });
});

describe('channels() arguments', () => {
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a URL', 'wss://example.com/'],
    ['a plain object', {}],
  ])('refuses %s in place of the socket', (_name, socket) => {
    expect(() => channels(socket as SteadySocket)).toThrow(TypeError);
  });

  it('a bad option throws before anything is attached to the socket', () => {
    const { socket } = onTestServer();
    expect(() => channels(socket, { requestTimeout: -1 })).toThrow(RangeError);
    expect(socket.listenerCount('message') + socket.listenerCount('close') + socket.listenerCount('state')).toBe(0);
  });

  it('requestTimeout is the default timeout of requests, on the given clock', async () => {
    const { socket, clock } = onTestServer();
    const api = channels(socket, { clock, requestTimeout: 2000 });
    let code: string | undefined;
    api.request('echo', 'x').catch((e: { code: string }) => (code = e.code));
    clock.advance(1999);
    await settle();
    expect(code).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(code).toBe('REQUEST_TIMEOUT');
  });

  it('maxMessageSize: text of that many characters is parsed, one more is too large', () => {
    const { socket, clock, server, start } = onTestServer({}, undefined, false);
    const api = channels(socket, { clock, maxMessageSize: 40 });
    const reasons: string[] = [];
    api.on('invalid', (e) => reasons.push(e.reason));
    const seen: unknown[] = [];
    api.channel('c').on('message', (m) => seen.push(m));
    start();
    const exact = JSON.stringify({ channel: 'c', data: 'x'.repeat(40 - 25) });
    expect(exact).toHaveLength(40);
    server.send(exact);
    server.send(JSON.stringify({ channel: 'c', data: 'x'.repeat(40 - 24) }));
    expect(seen).toHaveLength(1);
    expect(reasons).toEqual(['too-large']);
  });
});
