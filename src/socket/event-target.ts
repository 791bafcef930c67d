import { DOM, Emitter, ONCE, SLOT, type ListenerRecord } from './emitter';
import type { SteadySocketEventMap, SteadySocketEvents } from './events';
import type { AnyListener, EventName, Handler, ListenerOptions, ReadHandler, SteadyListener } from './listener-types';

/**
 * The event surface: the {@link Emitter}'s typed `on`/`once`/`off` (eventemitter3's
 * signatures), the DOM's `addEventListener`/`removeEventListener`/`dispatchEvent`, and `on*`
 * handler properties, every kind in one order per event. Every listener runs isolated, as
 * in a browser: one that throws does not stop the others.
 *
 * Delivery is deferred to the end of the operation that produced the events (see
 * {@link _operation}), so a listener always sees a finished state and whatever it calls —
 * `close()` inside a `state` listener, say — starts from a consistent one.
 */
export class SocketEventTarget extends Emitter<SteadySocketEvents> {
  /** Bumped by the subclass on every change that makes earlier announcements stale. */
  protected _epoch = 0;
  /**
   * Events waiting for the end of the operation, three entries each (a flat list: no object
   * per event): the name, the event, and for an announcement the epoch it is delivered in.
   */
  private _posted: unknown[] | undefined;
  private _depth = 0;
  private _delivering = false;

  /** As the DOM's: a function or `{ handleEvent }`, once per listener, with `once` and `signal`. */
  addEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's (only {@link dispatchEvent} fires those). */
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void {
    // The DOM adds the same listener once; so do we.
    if (listener == null || this._find(type, DOM, listener)) return;
    // A boolean (capture), or none, has neither: `Object()` makes it an object without them.
    const { once, signal }: Exclude<ListenerOptions, boolean> = Object(options);
    if (signal?.aborted) return;
    const record: ListenerRecord = this._add(type, listener, once ? DOM | ONCE : DOM);
    if (signal) {
      const onAbort = () => this._remove(record);
      // Removing the listener (the abort too does) also lets go of the signal, or a later
      // abort would remove a re-added one.
      signal.addEventListener('abort', onAbort);
      record._release = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** As the DOM's. */
  removeEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's. */
  removeEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  removeEventListener(type: string, listener: AnyListener | null): void {
    this._remove(this._find(type, DOM, listener));
  }

  /**
   * As the DOM's: delivers `event` to the listeners of `event.type` at once. Always `true`
   * (nothing is cancelable).
   */
  dispatchEvent(event: { readonly type: string }): boolean {
    this._dispatch(event.type, event, event as { _stopped?: boolean });
    return true;
  }

  /**
   * Runs a state change; events it posts are delivered when the outermost operation ends.
   * Every entry point (public method, native handler, timer) goes through here.
   * @internal
   */
  _operation<T>(change: () => T): T {
    this._depth++;
    try {
      return change();
    } finally {
      this._depth--;
      if (this._depth === 0) {
        this._settle();
        this._deliver();
      }
    }
  }

  /** Runs when the outermost operation ends, before its events are delivered: a last chance to post. */
  protected _settle(): void {}

  /**
   * Queues an event. An announcement (`epoch` given) is skipped if the state moved on
   * before its turn came: no `reconnecting` after a `close()` made by an earlier listener.
   */
  protected _post<K extends EventName>(type: K, event: SteadySocketEventMap[K], epoch?: number): void {
    (this._posted ??= []).push(type, event, epoch);
    if (this._depth === 0) this._deliver();
  }

  private _deliver(): void {
    const posted = this._posted;
    // Nothing posted yet; or the loop below is already running further up the stack.
    if (!posted || this._delivering) return;
    // Delivering: what its listeners post (a reconnect()'s close) waits until all have run.
    this._delivering = true;
    try {
      // Listeners may post more; the loop picks those up in order.
      for (let i = 0; i < posted.length; i += 3) {
        const epoch = posted[i + 2];
        if (epoch === undefined || epoch === this._epoch) this._dispatch(posted[i] as string, posted[i + 1], posted[i + 1] as object);
      }
    } finally {
      posted.length = 0;
      this._delivering = false;
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- types the accessors the loop below defines
export interface SocketEventTarget {
  /** Called on every `open`, as the native handler. */
  get onopen(): ReadHandler<'open'>;
  /** Replaces the handler; `null` removes it. */
  set onopen(handler: Handler<'open'>);
  /** Called on every `message`, as the native handler. */
  get onmessage(): ReadHandler<'message'>;
  /** Replaces the handler; `null` removes it. */
  set onmessage(handler: Handler<'message'>);
  /** Called on every `close` (check `willReconnect`), as the native handler. */
  get onclose(): ReadHandler<'close'>;
  /** Replaces the handler; `null` removes it. */
  set onclose(handler: Handler<'close'>);
  /** Called on every `error`, as the native handler. */
  get onerror(): ReadHandler<'error'>;
  /** Replaces the handler; `null` removes it. */
  set onerror(handler: Handler<'error'>);
}

/** The emitter's internals that the `on*` accessors below use (protected: not for users). */
interface Slots {
  _find: SocketEventTarget['_find'];
  _add: SocketEventTarget['_add'];
  _remove: SocketEventTarget['_remove'];
}

// The `on*` properties (typed by the interface above), defined in one loop: as in the DOM,
// on the prototype; and a handler runs at the position where it was first set, among
// listeners added with `addEventListener`; `null` (or a non-function) removes it.
for (const type of ['open', 'message', 'close', 'error']) {
  Object.defineProperty(SocketEventTarget.prototype, `on${type}`, {
    configurable: true,
    get(this: Slots) {
      return this._find(type, SLOT)?._listener ?? null;
    },
    set(this: Slots, handler: unknown) {
      const slot = this._find(type, SLOT);
      if (typeof handler !== 'function') this._remove(slot);
      else if (slot) slot._listener = handler as AnyListener;
      else this._add(type, handler as AnyListener, SLOT);
    },
  });
}
