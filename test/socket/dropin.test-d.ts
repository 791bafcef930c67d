/**
 * The TypeScript drop-in (API.md §1): code typed for the DOM's WebSocket compiles unchanged
 * when only the constructor is swapped. Checked by `vitest --typecheck` under this
 * project's tsconfig (strict, DOM lib).
 */
import { describe, expectTypeOf, it } from 'vitest';
import { SteadySocket } from '../../src/socket/index';

declare const url: string;

describe('native WebSocket code with only the constructor swapped', () => {
  it('reads e.data as freely as the DOM does', () => {
    const ws = new SteadySocket(url);
    ws.onmessage = (e) => JSON.parse(e.data);
    ws.addEventListener('message', (e) => console.log(JSON.parse(e.data).x));
    expectTypeOf<Parameters<NonNullable<typeof ws.onmessage>>[0]['data']>().toBeAny();
  });

  it("accepts handlers typed with the DOM's MessageEvent, CloseEvent and Event", () => {
    const ws = new SteadySocket(url);
    ws.onopen = (e: Event) => console.log(e.type);
    ws.onmessage = (e: MessageEvent) => console.log(e.data, e.origin);
    ws.onmessage = (e: MessageEvent<string>) => console.log(e.data.length);
    ws.onclose = (e: CloseEvent) => console.log(e.code, e.reason, e.wasClean);
    ws.onerror = (e: Event) => console.log(e.type);
    ws.addEventListener('message', (e: MessageEvent) => e.data);
    ws.addEventListener('close', (e: CloseEvent) => e.code);
    ws.addEventListener('open', function (this: unknown, e: Event) {
      return e.timeStamp;
    });
    const listener: EventListenerOrEventListenerObject = () => {};
    ws.addEventListener('custom', listener);
    ws.removeEventListener('custom', listener);
  });

  it('passes where a WebSocket is expected', () => {
    const w: WebSocket = new SteadySocket(url);
    const takes = (socket: WebSocket) => socket.readyState === socket.OPEN;
    takes(new SteadySocket(url, ['chat']));
    expectTypeOf(w.send).toBeFunction();
  });

  it('keeps its own typed extras', () => {
    const ws = new SteadySocket(url);
    ws.addEventListener('close', (e) => expectTypeOf(e.willReconnect).toEqualTypeOf<boolean>());
    ws.onerror = (e) => expectTypeOf(e.error.code).toBeString();
    // @ts-expect-error not an event of the socket's map, and not a function or handleEvent object
    ws.addEventListener('close', 42);
  });
});
