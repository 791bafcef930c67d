/** The listener types of the socket's event surface (DOM-style and `on*` handlers). */
import type { NativeEventOf, SteadySocketEventMap } from './events';

export type EventName = keyof SteadySocketEventMap;
/**
 * An `on*` handler. Declared in method form, so its parameter is compared both ways: a
 * handler typed with the DOM's `MessageEvent` (or `CloseEvent`, `Event`) is accepted, and
 * a SteadySocket passes where a `WebSocket` is expected.
 */
export type Handler<K extends EventName> = { bivarianceHack(event: SteadySocketEventMap[K]): unknown }['bivarianceHack'] | null;

/**
 * What an `on*` getter returns: a handler of the DOM's event type where your compilation
 * has it (so a SteadySocket passes where a `WebSocket` is expected), else of ours.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DOM's handlers return any
export type ReadHandler<K extends EventName> = ((event: NativeEventOf<K>) => any) | null;

/** A listener for any event name, as the DOM's `addEventListener(type: string, …)` takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DOM's EventListener takes any Event
export type AnyListener =
  | {
      /** Called with the event. */
      bivarianceHack(event: any): unknown;
    }['bivarianceHack']
  | {
      /** Called with the event, `this` being the object. */
      handleEvent(event: any): unknown;
    };

/** A DOM-style listener: a function, or an object with `handleEvent`. */
export type SteadyListener<K extends EventName> =
  | {
      /** Called with the event (method form: compared both ways, so DOM-typed listeners fit). */
      bivarianceHack(event: SteadySocketEventMap[K]): unknown;
    }['bivarianceHack']
  | {
      /** Called with the event, `this` being the object. */
      handleEvent(event: SteadySocketEventMap[K]): unknown;
    };

/** Options of `addEventListener`, as in the DOM (capture has no meaning here). */
export type ListenerOptions =
  | boolean
  | {
      /** Remove the listener after its first call. */
      once?: boolean;
      /** Remove the listener when this signal aborts. */
      signal?: AbortSignal;
      /** Accepted for DOM compatibility; there is no capture phase. */
      capture?: boolean;
    };

