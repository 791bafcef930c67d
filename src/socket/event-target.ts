import { EventEmitter } from 'eventemitter3';
import type { SteadyEventObject, SteadySocketEventMap, SteadySocketEvents } from './events';
import type { AnyListener, EventName, Handler, ListenerOptions, ReadHandler, SteadyListener } from './listener-types';
import { reportListenerError } from './report-error';

/** A listener as eventemitter3 types it. */
type Listener<T extends EventName> = EventEmitter.EventListener<SteadySocketEvents, T>;

/** What a record holds: a DOM-style listener, an `on*` handler's slot, or an `on()`/`once()` listener. */
const DOM = 0;
const SLOT = 1;
const EMITTER = 2;

/**
 * One listener of any of the three kinds, registered in eventemitter3 as the context of
 * the shared {@link callRecord}: no closure per listener, every kind keeps its place in
 * one order, and each runs isolated — one that throws does not stop the others.
 */
interface ListenerRecord {
  readonly owner: SocketEventTarget;
  readonly type: string;
  /** The listener; for an `on*` slot, the current handler (`null`: none). */
  listener: AnyListener | null;
  readonly once: boolean;
  readonly kind: typeof DOM | typeof SLOT | typeof EMITTER;
  /** `this` for an `on(type, fn, context)` listener, as eventemitter3 gives it. */
  readonly context?: unknown;
  /** Set when removed: eventemitter3 calls a snapshot, and a removed listener must not run. */
  removed: boolean;
  /** Lets go of the `signal` it was added with. */
  release: (() => void) | undefined;
}

interface Posted {
  /** The event to emit. */
  type: EventName;
  event: unknown;
  /** For announcements: delivered only if `epoch` still has this value. */
  epoch: number | undefined;
}

/** The emitter seen without its event map: generic methods below cannot narrow it. */
interface UntypedEmitter {
  emit(type: string, event: unknown): boolean;
}

/**
 * The event surface: eventemitter3's typed `on`/`once`/`off`, plus the DOM's
 * `addEventListener`/`removeEventListener`/`dispatchEvent` and `on*` handler properties.
 *
 * Delivery is deferred to the end of the operation that produced the events (see
 * {@link _operation}), so a listener always sees a finished state and whatever it calls —
 * `close()` inside a `state` listener, say — starts from a consistent one. DOM-style
 * listeners run isolated, as in a browser: one that throws does not stop the others.
 */
export class SocketEventTarget extends EventEmitter<SteadySocketEvents> {
  /** Bumped by the subclass on every change that makes earlier announcements stale. */
  protected _epoch = 0;
  // Created on first use: an idle socket should cost little.
  private _records: ListenerRecord[] | undefined;
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
    if (listener == null || this._find(type, listener, false)) return;
    const { once = false, signal } = typeof options === 'object' ? options : {};
    if (signal?.aborted) return;
    const record: ListenerRecord = { owner: this, type, listener, once, kind: DOM, removed: false, release: undefined };
    this._addRecord(record);
    if (signal) {
      const onAbort = () => this._removeRecord(record);
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
    const record = this._find(type, listener, false);
    if (record) this._removeRecord(record);
  }

  /**
   * As the DOM's: delivers `event` to the listeners of `event.type` at once. Always `true`
   * (nothing is cancelable).
   */
  dispatchEvent(event: { readonly type: string }): boolean {
    this._dispatch(event.type as EventName, event as never);
    return true;
  }

  /** eventemitter3's `on`, run isolated: a listener that throws does not stop the others. */
  override on<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    this._addRecord({ owner: this, type, listener: fn as AnyListener, once: false, kind: EMITTER, context, removed: false, release: undefined });
    return this;
  }

  /** The same as {@link on}. */
  override addListener<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    return this.on(type, fn, context);
  }

  /** eventemitter3's `once`, run isolated. */
  override once<T extends EventName>(type: T, fn: Listener<T>, context?: unknown): this {
    this._addRecord({ owner: this, type, listener: fn as AnyListener, once: true, kind: EMITTER, context, removed: false, release: undefined });
    return this;
  }

  /** eventemitter3's `off`: every `on()` listener `fn` (with that `context`, and `once` if given); all of `type` without `fn`. */
  override off<T extends EventName>(type: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    if (!fn) return this.removeAllListeners(type);
    for (const record of this._records?.slice() ?? []) {
      // As eventemitter3, which stores `context || emitter`: the emitter itself matches no context.
      const own = record.context ?? this;
      if (record.kind === EMITTER && record.type === type && record.listener === fn && (!once || record.once) && (!context || own === context)) {
        this._removeRecord(record);
      }
    }
    return this;
  }

  /** The same as {@link off}. */
  override removeListener<T extends EventName>(type: T, fn?: Listener<T>, context?: unknown, once?: boolean): this {
    return this.off(type, fn, context, once);
  }

  /** The listeners of `type`, of every kind, in the order they run. */
  override listeners<T extends EventName>(type: T): Listener<T>[] {
    return (this._records ?? []).filter((r) => r.type === type && r.listener).map((r) => r.listener as unknown as Listener<T>);
  }

  /** eventemitter3's, also forgetting the DOM listeners and `on*` handlers it takes away. */
  override removeAllListeners(type?: EventName): this {
    super.removeAllListeners(type);
    for (const record of this._records ?? []) {
      if (type !== undefined && record.type !== type) continue;
      record.removed = true;
      record.release?.();
    }
    this._records = this._records?.filter((record) => !record.removed);
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

  /** Emits, shielding the caller from whatever an eventemitter3 listener throws. */
  private _dispatch<K extends EventName>(type: K, event: SteadySocketEventMap[K]): void {
    try {
      this._untyped.emit(type, event);
    } catch (error) {
      reportListenerError(error);
    } finally {
      // As the DOM: the stop holds for this dispatch only (an event may be dispatched again).
      if ((event as { _stopped?: boolean } | null)?._stopped) (event as { _stopped?: boolean })._stopped = false;
    }
  }

  /** The DOM-style record of `listener` (or, with `slot`, the `on*` handler slot) for `type`. */
  private _find(type: string, listener: unknown, slot: boolean): ListenerRecord | undefined {
    return this._records?.find((r) => r.type === type && r.kind === (slot ? SLOT : DOM) && (slot || r.listener === listener));
  }

  private _removeRecord(record: ListenerRecord): void {
    record.removed = true;
    record.release?.();
    this._records = this._records!.filter((r) => r !== record);
    baseOff.call(this, record.type, callRecord, record);
  }

  private _getHandler<K extends EventName>(type: K): Handler<K> {
    return (this._find(type, null, true)?.listener as Handler<K> | undefined) ?? null;
  }

  /**
   * Sets an `on*` property. As in the DOM, the handler runs at the position where it was
   * first set, among listeners added with `addEventListener`; `null` (or a non-function)
   * removes it.
   */
  private _setHandler<K extends EventName>(type: K, handler: Handler<K>): void {
    const slot = this._find(type, null, true);
    if (typeof handler !== 'function') {
      if (slot) this._removeRecord(slot);
    } else if (slot) slot.listener = handler;
    else this._addRecord({ owner: this, type, listener: handler, once: false, kind: SLOT, removed: false, release: undefined });
  }

  private _addRecord(record: ListenerRecord): void {
    (this._records ??= []).push(record);
    baseOn.call(this, record.type, callRecord, record);
  }

  private get _untyped(): UntypedEmitter {
    return this as unknown as UntypedEmitter;
  }
}

// eventemitter3's own registration, under the overrides above.
const baseOn = EventEmitter.prototype.on as unknown as (this: unknown, type: string, fn: typeof callRecord, context: ListenerRecord) => unknown;
const baseOff = EventEmitter.prototype.off as unknown as (this: unknown, type: string, fn: typeof callRecord, context: ListenerRecord) => unknown;

/** Calls one listener (`this` is its record), isolated from the others. */
function callRecord(this: ListenerRecord, event: Partial<SteadyEventObject>): void {
  const { listener, owner } = this;
  // Removed by an earlier listener of this very event; or stopImmediatePropagation(), as in the DOM.
  if (this.removed || !listener || (event._stopped && this.kind !== EMITTER)) return;
  if (this.once) owner['_removeRecord'](this);
  try {
    if (this.kind === EMITTER) (listener as (event: unknown) => void).call(this.context ?? owner, event);
    else if (typeof listener === 'function') listener.call(owner, event);
    else listener.handleEvent(event);
  } catch (error) {
    reportListenerError(error);
  }
}
