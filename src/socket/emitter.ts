import type { EventEmitter } from 'eventemitter3';
import type { AnyListener } from './listener-types';
import { reportListenerError } from './report-error';

/** An event name of the map `E` (eventemitter3's form: one listener signature per event). */
export type EmitterEventName<E extends object> = EventEmitter.EventNames<E> & string;
/** A listener of event `K`, as eventemitter3 types it. */
export type EmitterListener<E extends object, K extends EmitterEventName<E>> = EventEmitter.EventListener<E, K>;

/**
 * What a record is, in one small number (one field, not two; literal numbers, which cost no
 * constant in the bundle): bit 1 is "removed before its first call", and
 * - 0 an `on()` listener, 1 a `once()` one (below 2: the eventemitter3 kinds),
 * - 2 an `addEventListener()` one, 3 with `once` (bit 2: the DOM-style kinds),
 * - 4 an `on*` handler's slot (bit 4).
 * Kinds 2 and up are the DOM's: `stopImmediatePropagation()` stops them.
 */
export type ListenerKind = 0 | 1 | 2 | 3 | 4;

/** One listener of any of the three kinds: every kind keeps its place in one order per event. */
export interface ListenerRecord {
  readonly _type: string;
  /** The listener; for an `on*` slot, the current handler. `null` once removed. */
  _listener: AnyListener | null;
  readonly _kind: ListenerKind;
  /** `this` for an `on(type, fn, context)` listener, as eventemitter3 gives it. */
  readonly _context?: unknown;
  /** The `signal` it was added with, which it lets go of when removed… */
  _signal?: AbortSignal;
  /** …and the listener it has on it. */
  _onAbort?: () => void;
}

/**
 * The empty list every emitter starts with (shared: never changed), and what an emitted value's
 * stop flag is read from: never stopped (an emitted value is never looked at).
 */
const NONE: readonly ListenerRecord[] & { _stopped?: boolean } = [];

/**
 * A typed event emitter with eventemitter3's signatures (`on`, `once`, `off`, `emit`…),
 * whose listeners run isolated: one that throws is reported (`reportError`) and the others
 * still run. The socket's event surface is built on it, and the channels layer uses it for
 * its channels and clients (so an app carries one small emitter, not two).
 *
 * Listeners of every event are kept in one list (an idle socket has a handful: one array
 * costs less memory than one per event), replaced rather than changed (copy on write): an
 * emit runs over the listeners it started with, and skips one removed meanwhile. Events
 * carry one argument, the event.
 *
 * @example
 * class Ticker extends Emitter<{ tick: (n: number) => void }> {}
 * new Ticker().on('tick', (n) => console.log(n)).emit('tick', 1);
 */
export class Emitter<E extends object> {
  /**
   * Never changed in place, so every emitter without listeners can share one empty list: the
   * prototype's (set below: no constructor, and no field until the first listener).
   */
  private declare _records: readonly ListenerRecord[];

  /** As eventemitter3's `on`: `fn` is called with `this` = `context` (default: the emitter). */
  on<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this {
    this._add(type, fn as AnyListener, 0, context);
    return this;
  }

  /** As {@link on}, removed before its first call. */
  once<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this {
    this._add(type, fn as AnyListener, 1, context);
    return this;
  }

  /**
   * As eventemitter3's `off`: every `on()` listener `fn` (with that `context`, and `once` if
   * given); without `fn`, every listener of `type` of every kind, or of every event without
   * `type` (so it is also {@link removeAllListeners}).
   */
  off<K extends EmitterEventName<E>>(type?: K, fn?: EmitterListener<E, K>, context?: unknown, once?: boolean): this {
    for (const record of this._records) {
      // As eventemitter3, which stores `context || emitter`: the emitter itself matches no context.
      if ((record._type === type || (!fn && type === undefined)) && (!fn || (record._listener === fn && record._kind < 2 && (!once || record._kind) && (!context || (record._context ?? this) === context)))) {
        this._remove(record);
      }
    }
    return this;
  }

  /** The listeners of `type`, of every kind, in the order they run. */
  listeners<K extends EmitterEventName<E>>(type: K): EmitterListener<E, K>[] {
    return this._records.filter((r) => r._type === type).map((r) => r._listener as unknown as EmitterListener<E, K>);
  }

  /** How many listeners `type` has, of every kind. */
  listenerCount(type: EmitterEventName<E>): number {
    return this._records.filter((r) => r._type === type).length;
  }

  /** The events that have listeners. */
  eventNames(): EmitterEventName<E>[] {
    return [...new Set(this._records.map((r) => r._type))] as EmitterEventName<E>[];
  }

  /** Calls the listeners of `type` with `event`, each isolated; `true` if it had any. */
  emit<K extends EmitterEventName<E>>(type: K, ...event: EventEmitter.EventArgs<E, K>): boolean;
  emit(type: string, ...[event]: unknown[]): boolean {
    return this._dispatch(type, event);
  }

  /**
   * Calls the listeners of `type` that were there when it started, each isolated. With `stop`
   * (the event itself, for the socket's own events and `dispatchEvent()`),
   * `stopImmediatePropagation()` skips the DOM-style and `on*` listeners after it, for this
   * dispatch only, as in the DOM; an emitted value (a channel's message, say) is never looked
   * at. `true` if `type` had listeners when it started.
   */
  protected _dispatch(type: string, event: unknown, stop: { _stopped?: boolean } = NONE): boolean {
    let had = false;
    for (const record of this._records) {
      const listener = record._listener;
      if (record._type !== type) continue;
      had = true;
      // Removed by an earlier listener of this very event; or stopped, as in the DOM.
      if (!listener || (stop._stopped && record._kind > 1)) continue;
      if (record._kind & 1) this._remove(record);
      try {
        // An `on()` listener is called even if it is no function (and that error reported);
        // a DOM-style one may be an object with `handleEvent`. Only `on()` ones have a context.
        if (record._kind < 2 || typeof listener === 'function') (listener as (event: unknown) => void).call(record._context ?? this, event);
        else listener.handleEvent(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
    if (stop._stopped) stop._stopped = false;
    return had;
  }

  /** The DOM-style record of `listener` (`kind` 2), or the `on*` handler's slot (`kind` 4), for `type`. */
  protected _find(type: string, kind: 2 | 4, listener?: unknown): ListenerRecord | undefined {
    return this._records.find((r) => r._type === type && r._kind & kind && (kind > 2 || r._listener === listener));
  }

  /** Adds a listener of `kind` after the others; returns its record. */
  protected _add(type: string, listener: AnyListener, kind: ListenerKind, context?: unknown): ListenerRecord {
    const record: ListenerRecord = { _type: type, _listener: listener, _kind: kind, _context: context };
    this._records = [...this._records, record];
    return record;
  }

  /** Removes a record (harmless for one already removed, or none). */
  protected _remove(record: ListenerRecord | undefined): void {
    if (!record) return;
    record._listener = null;
    // Or the signal would keep the listener (and its target) alive.
    record._signal?.removeEventListener('abort', record._onAbort!);
    this._records = this._records.filter((r) => r !== record);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- types the aliases assigned below
export interface Emitter<E extends object> {
  /** The same as {@link on}. */
  addListener<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this;
  /** The same as {@link off}. */
  removeListener<K extends EmitterEventName<E>>(type: K, fn?: EmitterListener<E, K>, context?: unknown, once?: boolean): this;
  /** Removes every listener of `type` (of every kind), or of every event. */
  removeAllListeners(type?: EmitterEventName<E>): this;
}

// The aliases are the same functions, as eventemitter3 has them (no method that only calls another).
const proto = Emitter.prototype;
proto.addListener = proto.on;
proto.removeListener = proto.removeAllListeners = proto.off;
(proto as unknown as { _records: typeof NONE })._records = NONE;
