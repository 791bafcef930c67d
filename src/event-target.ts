import { EventEmitter } from 'eventemitter3';
import type { SteadySocketEventMap, SteadySocketEvents } from './events';

type EventName = keyof SteadySocketEventMap;

/** A DOM-style listener: a function, or an object with `handleEvent`. */
export type SteadyListener<K extends EventName> =
  | ((event: SteadySocketEventMap[K]) => void)
  | { handleEvent(event: SteadySocketEventMap[K]): void };

/** Options of `addEventListener`, as in the DOM (capture has no meaning here). */
export type ListenerOptions = boolean | { once?: boolean; signal?: AbortSignal; capture?: boolean };

type Wrapper = (event: never) => void;

/** The emitter seen without its event map: generic methods below cannot narrow it. */
interface UntypedEmitter {
  on(type: string, fn: Wrapper): unknown;
  off(type: string, fn: Wrapper): unknown;
  emit(type: string, event: unknown): boolean;
}

/**
 * The event surface: eventemitter3's typed `on`/`once`/`off`, plus the DOM's
 * `addEventListener`/`removeEventListener` and `on*` handler properties on top of it.
 *
 * DOM-style listeners run isolated, as in a browser: one that throws does not stop the
 * others, and its error is reported asynchronously instead of unwinding into the socket.
 */
export class SocketEventTarget extends EventEmitter<SteadySocketEvents> {
  private readonly domListeners = new Map<EventName, Map<unknown, Wrapper>>();
  private readonly handlers = new Map<EventName, (event: never) => void>();

  addEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void {
    if (listener == null) return;
    let byListener = this.domListeners.get(type);
    if (!byListener) this.domListeners.set(type, (byListener = new Map()));
    // The DOM adds the same listener once; so do we.
    if (byListener.has(listener)) return;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    const wrapper = (event: SteadySocketEventMap[K]) => {
      if (once) this.removeEventListener(type, listener);
      invokeIsolated(this, listener, event);
    };
    byListener.set(listener, wrapper as Wrapper);
    this.untyped.on(type, wrapper as Wrapper);
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
  }

  removeEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, _options?: ListenerOptions): void {
    const byListener = this.domListeners.get(type);
    const wrapper = byListener?.get(listener);
    if (!byListener || !wrapper) return;
    byListener.delete(listener);
    this.untyped.off(type, wrapper);
  }

  /** Emits, shielding the caller (a socket handler) from whatever a listener throws. */
  protected dispatch<K extends EventName>(type: K, event: SteadySocketEventMap[K]): void {
    try {
      this.untyped.emit(type, event);
    } catch (error) {
      reportListenerError(error);
    }
  }

  /** The `on*` property's current value. */
  protected getHandler<K extends EventName>(type: K): ((event: SteadySocketEventMap[K]) => void) | null {
    return (this.handlers.get(type) as ((event: SteadySocketEventMap[K]) => void) | undefined) ?? null;
  }

  /**
   * Sets an `on*` property. As in the DOM, the handler runs at the position where it was
   * first set, among listeners added with `addEventListener`.
   */
  protected setHandler<K extends EventName>(type: K, handler: ((event: SteadySocketEventMap[K]) => void) | null): void {
    const had = this.handlers.has(type);
    if (typeof handler !== 'function') {
      if (had) {
        this.handlers.delete(type);
        this.untyped.off(type, this.trampolines[type] as Wrapper);
      }
      return;
    }
    this.handlers.set(type, handler as (event: never) => void);
    if (!had) this.untyped.on(type, this.trampolines[type] as Wrapper);
  }

  private get untyped(): UntypedEmitter {
    return this as unknown as UntypedEmitter;
  }

  private readonly trampolines = {
    open: (event: SteadySocketEventMap['open']) => this.callHandler('open', event),
    message: (event: SteadySocketEventMap['message']) => this.callHandler('message', event),
    close: (event: SteadySocketEventMap['close']) => this.callHandler('close', event),
    error: (event: SteadySocketEventMap['error']) => this.callHandler('error', event),
    reconnecting: (event: SteadySocketEventMap['reconnecting']) => this.callHandler('reconnecting', event),
    state: (event: SteadySocketEventMap['state']) => this.callHandler('state', event),
    drop: (event: SteadySocketEventMap['drop']) => this.callHandler('drop', event),
    heartbeat: (event: SteadySocketEventMap['heartbeat']) => this.callHandler('heartbeat', event),
  };

  private callHandler<K extends EventName>(type: K, event: SteadySocketEventMap[K]): void {
    const handler = this.getHandler(type);
    if (handler) invokeIsolated(this, handler, event);
  }
}

function invokeIsolated<E>(thisArg: unknown, listener: ((event: E) => void) | { handleEvent(event: E): void }, event: E): void {
  try {
    if (typeof listener === 'function') listener.call(thisArg, event);
    else listener.handleEvent(event);
  } catch (error) {
    reportListenerError(error);
  }
}

/**
 * A listener's own bug must surface (as it would in a browser: `reportError`, else an
 * uncaught exception on a fresh stack) without breaking the socket's bookkeeping.
 */
function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
