// Type tests (`vitest run --typecheck`) of the socket's own events. The channels layer's
// type tests are in test/channels/types.test-d.ts.
// Nothing here runs; each `@ts-expect-error` must meet a real error or the check fails.
import { describe, expectTypeOf, it } from 'vitest';
import { SteadySocket } from '../src/socket/index';

const sock = new SteadySocket('wss://example.com/api');

describe('events', () => {
  it('types the native events and refuses unknown ones', () => {
    sock.on('close', (e) => expectTypeOf(e.code).toBeNumber());
    // `any`, as the DOM's MessageEvent.data (the drop-in: JSON.parse(e.data) compiles).
    sock.addEventListener('message', (e) => expectTypeOf(e.data).toBeAny());
    // @ts-expect-error no such event
    sock.on('invalidd', () => {});
    // Any name is accepted, as by the DOM's addEventListener; only dispatchEvent fires it.
    sock.addEventListener('nope', (e) => expectTypeOf(e).toBeAny());
  });

  it('has no `invalid` event: that is the channel client\'s (steadysocket/channels)', () => {
    // @ts-expect-error not an event of the socket
    sock.on('invalid', () => {});
  });
});
