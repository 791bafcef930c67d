import { EventEmitter } from 'eventemitter3';
import type { SteadySocketEventMap, SteadySocketEvents } from './events';

type EventName = keyof SteadySocketEventMap;
type Handler<K extends EventName> = ((event: SteadySocketEventMap[K]) => void) | null;

/** A DOM-style listener: a function, or an object with `handleEvent`. */
export type SteadyListener<K extends EventName> =
  | ((event: SteadySocketEventMap[K]) => void)
  | {
      /** Called with the event, `this` being the object. */
      handleEvent(event: SteadySocketEventMap[K]): void;
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

type Wrapper = (event: never) => void;

/** The emitter seen without its event map: generic methods below cannot narrow it. */
interface UntypedEmitter {
  on(type: string, fn: Wrapper): unknown;
  off(type: string, fn: Wrapper): unknown;
  emit(type: string, event: unknown): boolean;
}

interface Posted {
  /** An event to emit, or `null` for an internal step to run in turn (see {@link after}). */
  type: EventName | null;
  event: unknown;
  /** For announcements: delivered only if `epoch` still has this value. */
  epoch: number | undefined;
}

/**
 * The event surface: eventemitter3's typed `on`/`once`/`off`, plus the DOM's
 * `addEventListener`/`removeEventListener` and `on*` handler properties on top of it.
 *
 * Delivery is deferred to the end of the operation that produced the events (see
 * {@link operation}), so a listener always sees a finished state and whatever it calls —
 * `close()` inside a `state` listener, say — starts from a consistent one. DOM-style
 * listeners run isolated, as in a browser: one that throws does not stop the others.
 */
export class SocketEventTarget extends EventEmitter<SteadySocketEvents> {
  /** Bumped by the subclass on every change that makes earlier announcements stale. */
  protected epoch = 0;
  // Created on first use: an idle socket per connection should cost little (a Map is ~190 B).
  private domListeners: Map<EventName, Map<unknown, Wrapper>> | undefined;
  /** The `on*` handlers: the current one, and the listener that calls it, kept in place. */
  private slots: Map<EventName, { handler: Wrapper | null; trampoline: Wrapper }> | undefined;
  private readonly posted: Posted[] = [];
  private depth = 0;
  private delivering = false;

  /** Called on every `open`, as the native handler. */
  get onopen(): Handler<'open'> { return this.getHandler('open'); }
  /** Replaces the handler; `null` removes it. */
  set onopen(handler: Handler<'open'>) { this.setHandler('open', handler); }
  /** Called on every `message`, as the native handler. */
  get onmessage(): Handler<'message'> { return this.getHandler('message'); }
  /** Replaces the handler; `null` removes it. */
  set onmessage(handler: Handler<'message'>) { this.setHandler('message', handler); }
  /** Called on every `close` (check `willReconnect`), as the native handler. */
  get onclose(): Handler<'close'> { return this.getHandler('close'); }
  /** Replaces the handler; `null` removes it. */
  set onclose(handler: Handler<'close'>) { this.setHandler('close', handler); }
  /** Called on every `error`, as the native handler. */
  get onerror(): Handler<'error'> { return this.getHandler('error'); }
  /** Replaces the handler; `null` removes it. */
  set onerror(handler: Handler<'error'>) { this.setHandler('error', handler); }

  /** As the DOM's: a function or `{ handleEvent }`, once per listener, with `once` and `signal`. */
  addEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void {
    if (listener == null) return;
    const all = (this.domListeners ??= new Map());
    let byListener = all.get(type);
    if (!byListener) all.set(type, (byListener = new Map()));
    // The DOM adds the same listener once; so do we.
    if (byListener.has(listener)) return;
    const once = typeof options === 'object' && options.once === true;
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (signal?.aborted) return;
    const wrapper = (event: SteadySocketEventMap[K]): void => {
      // eventemitter3 calls a snapshot of its listeners: one removed by an earlier listener of
      // this very event (or removed and added again) must not run, as in the DOM.
      if (this.domListeners?.get(type)?.get(listener) !== wrapper) return;
      if (once) this.removeEventListener(type, listener);
      invokeIsolated(this, listener, event);
    };
    byListener.set(listener, wrapper as Wrapper);
    this.untyped.on(type, wrapper as Wrapper);
    if (signal) {
      const onAbort = () => this.removeEventListener(type, listener);
      signal.addEventListener('abort', onAbort, { once: true });
      // Removing the listener also lets go of the signal, or a later abort would remove a re-added one.
      aborters.set(wrapper as Wrapper, () => signal.removeEventListener('abort', onAbort));
    }
  }

  /** As the DOM's. */
  removeEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, _options?: ListenerOptions): void {
    const byListener = this.domListeners?.get(type);
    const wrapper = byListener?.get(listener);
    if (!byListener || !wrapper) return;
    byListener.delete(listener);
    this.untyped.off(type, wrapper);
    aborters.get(wrapper)?.();
    aborters.delete(wrapper);
  }

  /** eventemitter3's, also forgetting the DOM listeners and `on*` handlers it takes away. */
  override removeAllListeners(type?: EventName): this {
    super.removeAllListeners(type);
    for (const [name, byListener] of this.domListeners ?? []) {
      if (type !== undefined && name !== type) continue;
      for (const wrapper of byListener.values()) aborters.get(wrapper)?.();
      this.domListeners!.delete(name);
    }
    if (type === undefined) this.slots = undefined;
    else this.slots?.delete(type);
    return this;
  }

  /**
   * Runs a state change; events it posts are delivered when the outermost operation ends.
   * Every entry point (public method, native handler, timer) goes through here.
   */
  protected operation<T>(change: () => T): T {
    this.begin();
    try {
      return change();
    } finally {
      this.end();
    }
  }

  /** The two halves of {@link operation}, for a hot path that cannot afford a closure. */
  protected begin(): void {
    this.depth++;
  }

  protected end(): void {
    this.depth--;
    if (this.depth === 0 && this.posted.length > 0) this.deliver();
  }

  /**
   * Delivers an event at once, as the first step of an operation the caller opened, when
   * nothing else is waiting to be delivered (see {@link quiet}). The inbound hot path.
   */
  protected deliverNow<K extends EventName>(type: K, event: SteadySocketEventMap[K]): void {
    this.dispatch(type, event);
  }

  /** Whether no operation is running and no event is waiting: `deliverNow` keeps the order then. */
  protected get quiet(): boolean {
    return this.depth === 0 && !this.delivering && this.posted.length === 0;
  }

  /**
   * Queues an event. An announcement (`epoch` given) is skipped if the state moved on
   * before its turn came: no `reconnecting` after a `close()` made by an earlier listener.
   */
  protected post<K extends EventName>(type: K, event: SteadySocketEventMap[K], epoch?: number): void {
    // The hot path (a message outside any operation) skips the queue.
    if (this.depth === 0 && !this.delivering && this.posted.length === 0) {
      this.dispatch(type, event);
      return;
    }
    this.posted.push({ type, event, epoch });
    if (this.depth === 0) this.deliver();
  }


  /**
   * Runs `step` after the events posted so far are delivered, and before any that their
   * listeners post: channel routing runs after raw `message` listeners, yet before the
   * `close` of a `reconnect()` one of them called.
   */
  protected after(step: () => void): void {
    if (this.depth === 0 && !this.delivering && this.posted.length === 0) {
      step();
      return;
    }
    this.posted.push({ type: null, event: step, epoch: undefined });
    if (this.depth === 0) this.deliver();
  }

  private deliver(): void {
    if (this.delivering) return; // the loop below is already running further up the stack
    this.delivering = true;
    try {
      // Listeners may post more; the loop picks those up in order.
      for (let i = 0; i < this.posted.length; i++) {
        const { type, event, epoch } = this.posted[i]!;
        if (type === null) (event as () => void)();
        else if (epoch === undefined || epoch === this.epoch) this.dispatch(type, event as never);
      }
    } finally {
      this.posted.length = 0;
      this.delivering = false;
    }
  }

  /** Emits, shielding the caller from whatever an eventemitter3 listener throws. */
  private dispatch<K extends EventName>(type: K, event: SteadySocketEventMap[K]): void {
    try {
      this.untyped.emit(type, event);
    } catch (error) {
      reportListenerError(error);
    }
  }

  private getHandler<K extends EventName>(type: K): Handler<K> {
    return (this.slots?.get(type)?.handler as Handler<K> | undefined) ?? null;
  }

  /**
   * Sets an `on*` property. As in the DOM, the handler runs at the position where it was
   * first set, among listeners added with `addEventListener`.
   */
  private setHandler<K extends EventName>(type: K, handler: Handler<K>): void {
    const slots = (this.slots ??= new Map());
    let slot = slots.get(type);
    if (!slot) {
      const trampoline = ((event: SteadySocketEventMap[K]) => {
        const current = slot!.handler;
        if (current) invokeIsolated(this, current as (event: SteadySocketEventMap[K]) => void, event);
      }) as Wrapper;
      slots.set(type, (slot = { handler: null, trampoline }));
    }
    const had = slot.handler !== null;
    if (typeof handler !== 'function') {
      if (had) {
        slot.handler = null;
        this.untyped.off(type, slot.trampoline);
      }
      return;
    }
    slot.handler = handler as Wrapper;
    if (!had) this.untyped.on(type, slot.trampoline);
  }

  private get untyped(): UntypedEmitter {
    return this as unknown as UntypedEmitter;
  }
}

/** A listener added with `signal` → what lets go of the signal. Wrappers are unique, so one map serves every socket. */
const aborters = new WeakMap<Wrapper, () => void>();

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
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
