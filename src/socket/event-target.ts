import type { EventEmitter } from 'eventemitter3';
import type { SteadyEventObject, SteadySocketEventMap, SteadySocketEvents } from './events';
import type { AnyListener, EventName, Handler, ListenerOptions, ReadHandler, SteadyListener } from './listener-types';
import { reportListenerError } from './report-error';

/** A listener as eventemitter3 types it: the socket's `on`/`once`/`off` keep its signatures. */
type Listener<T extends EventName> = EventEmitter.EventListener<SteadySocketEvents, T>;

/** What a record holds: a DOM-style listener, an `on*` handler's slot, or an `on()`/`once()` listener. */
const DOM = 0;
const SLOT = 1;
const EMITTER = 2;

/** One listener of any of the three kinds: every kind keeps its place in one order per event. */
interface ListenerRecord {
  /** The listener; for an `on*` slot, the current handler. `null` once removed. */
  listener: AnyListener | null;
  readonly once: boolean;
  readonly kind: typeof DOM | typeof SLOT | typeof EMITTER;
  /** `this` for an `on(type, fn, context)` listener, as eventemitter3 gives it. */
  readonly context?: unknown;
  /** Lets go of the `signal` it was added with. */
  release?: () => void;
}

interface Posted {
  /** The event to emit. */
  type: EventName;
  event: unknown;
  /** For announcements: delivered only if `epoch` still has this value. */
  epoch: number | undefined;
}

/**
 * The event surface: eventemitter3's typed `on`/`once`/`off` (its signatures, on one list
 * of listeners of our own), the DOM's `addEventListener`/`removeEventListener`/
 * `dispatchEvent`, and `on*` handler properties.
 *
 * One list per event name, replaced rather than changed (copy on write), so a dispatch
 * runs over the listeners it started with; a listener removed meanwhile is skipped. Every
 * listener runs isolated, as in a browser: one that throws does not stop the others.
 *
 * Delivery is deferred to the end of the operation that produced the events (see
 * {@link _operation}), so a listener always sees a finished state and whatever it calls —
 * `close()` inside a `state` listener, say — starts from a consistent one.
 */
export class SocketEventTarget {
  /** Bumped by the subclass on every change that makes earlier announcements stale. */
  protected _epoch = 0;
  // Created on first use: an idle socket should cost little.
  private _lists: Partial<Record<string, ListenerRecord[]>> | undefined;
  private _posted: Posted[] | undefined;
  private _depth = 0;
  private _delivering = false;

  /** Called on every `open`, as the native handler. */
  get onopen(): ReadHandler<'open'> { return this._getHandler('open') as ReadHandler<'open'>; }
  /** Replaces the handler; `null` removes it. */
  set onopen(handler: Handler<'open'>) { this._setHandler('open', handler); }
  /** Called on every `message`, as the native handler. */
  get onmessage(): ReadHandler<'message'> { return this._getHandler('message') as ReadHandler<'message'>; }
  /** Replaces the handler; `null` removes it. */
  set onmessage(handler: Handler<'message'>) { this._setHandler('message', handler); }
  /** Called on every `close` (check `willReconnect`), as the native handler. */
  get onclose(): ReadHandler<'close'> { return this._getHandler('close') as ReadHandler<'close'>; }
  /** Replaces the handler; `null` removes it. */
  set onclose(handler: Handler<'close'>) { this._setHandler('close', handler); }
  /** Called on every `error`, as the native handler. */
  get onerror(): ReadHandler<'error'> { return this._getHandler('error') as ReadHandler<'error'>; }
  /** Replaces the handler; `null` removes it. */
  set onerror(handler: Handler<'error'>) { this._setHandler('error', handler); }

  /** As the DOM's: a function or `{ handleEvent }`, once per listener, with `once` and `signal`. */
  addEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's (only {@link dispatchEvent} fires those). */
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void {
    // The DOM adds the same listener once; so do we.
    if (listener == null || this._find(type, DOM, listener)) return;
    const { once = false, signal } = typeof options === 'object' ? options : {};
    if (signal?.aborted) return;
    const record: ListenerRecord = { listener, once, kind: DOM };
    this._add(type, record);
    if (signal) {
      const onAbort = () => this._remove(type, record);
      signal.addEventListener('abort', onAbort, { once: true });
      // Removing the listener also lets go of the signal, or a later abort would remove a re-added one.
      record.release = () => signal.removeEventListener('abort', onAbort);
    }
  }

  /** As the DOM's. */
  removeEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's. */
  removeEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  removeEventListener(type: string, listener: AnyListener | null): void {
    this._remove(type, this._find(type, DOM, listener));
  }

  /**
   * As the DOM's: delivers `event` to the listeners of `event.type` at once. Always `true`
   * (nothing is cancelable).
   */
  dispatchEvent(event: { readonly type: string }): boolean {
    this._dispatch(event.type, event);
    return true;
  }

  /** As eventemitter3's `on`, run isolated: a listener that throws does not stop the others. */
  on<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    this._add(type, { listener: fn as AnyListener, once: false, kind: EMITTER, context });
    return this;
  }

  /** The same as {@link on}. */
  addListener<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    return this.on(type, fn, context);
  }

  /** As eventemitter3's `once`, run isolated. */
  once<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    this._add(type, { listener: fn as AnyListener, once: true, kind: EMITTER, context });
    return this;
  }

  /** As eventemitter3's `off`: every `on()` listener `fn` (with that `context`, and `once` if given); all of `type` without `fn`. */
  off<T extends EventName>(type: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    if (!fn) return this.removeAllListeners(type);
    for (const record of this._lists?.[type] ?? []) {
      // As eventemitter3, which stores `context || emitter`: the emitter itself matches no context.
      if (record.kind === EMITTER && record.listener === fn && (!once || record.once) && (!context || (record.context ?? this) === context)) {
        this._remove(type, record);
      }
    }
    return this;
  }

  /** The same as {@link off}. */
  removeListener<T extends EventName>(type: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    return this.off(type, fn, context, once);
  }

  /** The listeners of `type`, of every kind, in the order they run. */
  listeners<T extends EventName>(type: T): Listener<T>[] {
    return (this._lists?.[type] ?? []).map((r) => r.listener as unknown as Listener<T>);
  }

  /** How many listeners of every kind `type` has. */
  listenerCount(type: EventName): number {
    return this._lists?.[type]?.length ?? 0;
  }

  /** The events that have listeners. */
  eventNames(): EventName[] {
    return Object.keys(this._lists ?? {}) as EventName[];
  }

  /** Removes every listener of `type` (of every kind: `on*` handlers too), or of every event. */
  removeAllListeners(type?: EventName): this {
    for (const name of type === undefined ? this.eventNames() : [type]) {
      for (const record of this._lists?.[name] ?? []) this._remove(name, record);
    }
    return this;
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
        if (this._posted?.length) this._deliver();
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
    // The hot path (a message outside any operation) skips the queue.
    if (this._depth === 0 && !this._delivering && !this._posted?.length) {
      // Delivering: what its listeners post (a reconnect()'s close) waits until all have run.
      this._delivering = true;
      try {
        this._dispatch(type, event);
      } finally {
        this._delivering = false;
      }
      if (this._posted?.length) this._deliver();
      return;
    }
    (this._posted ??= []).push({ type, event, epoch });
    if (this._depth === 0) this._deliver();
  }

  private _deliver(): void {
    if (this._delivering) return; // the loop below is already running further up the stack
    this._delivering = true;
    const posted = this._posted!;
    try {
      // Listeners may post more; the loop picks those up in order.
      for (let i = 0; i < posted.length; i++) {
        const { type, event, epoch } = posted[i]!;
        if (epoch === undefined || epoch === this._epoch) this._dispatch(type, event as never);
      }
    } finally {
      posted.length = 0;
      this._delivering = false;
    }
  }

  /**
   * Calls the listeners of `type` that were there when it started, each isolated: one that
   * throws is reported and does not stop the others.
   */
  private _dispatch(type: string, event: unknown): void {
    const stoppable = event as Partial<Pick<SteadyEventObject, '_stopped'>>;
    for (const record of this._lists?.[type] ?? []) {
      const { listener } = record;
      // Removed by an earlier listener of this very event; or stopImmediatePropagation(), as in the DOM.
      if (!listener || (stoppable._stopped && record.kind !== EMITTER)) continue;
      if (record.once) this._remove(type, record);
      try {
        if (record.kind === EMITTER) (listener as (event: unknown) => void).call(record.context ?? this, event);
        else if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
    // As the DOM: the stop holds for this dispatch only (an event may be dispatched again).
    if (stoppable._stopped) stoppable._stopped = false;
  }

  /** The DOM-style record of `listener`, or (`SLOT`) the `on*` handler's, for `type`. */
  private _find(type: string, kind: typeof DOM | typeof SLOT, listener?: unknown): ListenerRecord | undefined {
    return this._lists?.[type]?.find((r) => r.kind === kind && (kind === SLOT || r.listener === listener));
  }

  private _add(type: string, record: ListenerRecord): void {
    const lists = (this._lists ??= Object.create(null) as Record<string, ListenerRecord[]>);
    lists[type] = [...(lists[type] ?? []), record];
  }

  private _remove(type: string, record: ListenerRecord | undefined): void {
    const lists = this._lists;
    const list = lists?.[type]?.filter((r) => r !== record);
    if (!record || !list) return;
    record.listener = null;
    record.release?.();
    if (list.length) lists![type] = list;
    else delete lists![type];
  }

  private _getHandler<K extends EventName>(type: K): Handler<K> {
    return (this._find(type, SLOT)?.listener as Handler<K> | undefined) ?? null;
  }

  /**
   * Sets an `on*` property. As in the DOM, the handler runs at the position where it was
   * first set, among listeners added with `addEventListener`; `null` (or a non-function)
   * removes it.
   */
  private _setHandler<K extends EventName>(type: K, handler: Handler<K>): void {
    const slot = this._find(type, SLOT);
    if (typeof handler !== 'function') this._remove(type, slot);
    else if (slot) slot.listener = handler;
    else this._add(type, { listener: handler, once: false, kind: SLOT });
  }
}
