import { afterEach, describe, expect, it, vi } from 'vitest';
import { onTestServer } from '../helpers/kit';

/** A socket whose attempts hang (the test server stalls them) until its connect timeout. */
function stalled(options: Parameters<typeof onTestServer>[0]) {
  const kit = onTestServer(options, undefined, false);
  kit.server.stall(true);
  kit.start();
  return kit;
}

afterEach(() => vi.restoreAllMocks());

describe('logger option (API.md §11)', () => {
  it('is told state changes, retries, drops and errors, at their levels', () => {
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(`debug ${m}`),
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error: (m: string) => lines.push(`error ${m}`),
    };
    const { socket, server, clock, start } = onTestServer({ logger, queue: { maxMessages: 1 } }, undefined, false);
    socket.send('a');
    socket.send('b'); // the queue holds one: dropped
    start(); // opens
    server.drop();
    server.stall(true); // the retry hangs in 'connecting'
    clock.advance(1000);
    socket.close();
    expect(lines).toEqual([
      'warn steadysocket: a message was dropped (overflow)',
      'debug steadysocket: connecting → open',
      'debug steadysocket: open → reconnecting',
      'info steadysocket: closed 1006; retry 1 in 1000 ms',
      'debug steadysocket: reconnecting → connecting',
      'debug steadysocket: connecting → closed',
    ]);
    const failing = stalled({ logger, connectTimeout: 10 });
    lines.length = 0;
    failing.clock.advance(10);
    expect(lines.filter((l) => l.startsWith('error'))).toEqual(['error steadysocket: CONNECT_TIMEOUT: No connection within 10 ms']);
    failing.socket.close();
  });

  it('without one, warns once per socket on the console about a drop or an error nobody listens to', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { socket, clock } = stalled({ queue: { maxMessages: 0 }, connectTimeout: 10 });
    socket.send('a');
    socket.send('b');
    clock.advance(10); // a connect timeout: an error event
    clock.advance(5000);
    expect(warn.mock.calls.map(([m]) => m)).toEqual([
      "steadysocket: a message was dropped (overflow). Nothing listens to 'drop' events (said once per socket).",
      "steadysocket: CONNECT_TIMEOUT: No connection within 10 ms. Nothing listens to 'error' events (said once per socket).",
    ]);
    socket.close();
  });

  it('says nothing when the event has a listener', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { socket, clock } = stalled({ queue: { maxMessages: 0 }, connectTimeout: 10 });
    socket.onerror = () => {};
    socket.addEventListener('drop', () => {});
    socket.send('a');
    clock.advance(10);
    expect(warn).not.toHaveBeenCalled();
    socket.close();
  });
});
