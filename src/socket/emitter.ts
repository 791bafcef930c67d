import type { EventEmitter } from 'eventemitter3';
import type { AnyListener } from './listener-types';
import { reportListenerError } from './report-error';

/** An event name of the map `E` (eventemitter3's form: one listener signature per event). */
export type EmitterEventName<E extends object> = EventEmitter.EventNames<E> & string;
/** A listener of event `K`, as eventemitter3 types it. */
export type EmitterListener<E extends object, K extends EmitterEventName<E>> = EventEmitter.EventListener<E, K>;

/** What a record holds: a DOM-style listener, an `on*` handler's slot, or an `on()`/`once()` listener. */
export const DOM = 0;
export const SLOT = 1;
const EMITTER = 2;

/** One listener of any of the three kinds: every kind keeps its place in one order per event. */
export interface ListenerRecord {
  readonly _type: string;
  /** The listener; for an `on*` slot, the current handler. `null` once removed. */
  _listener: AnyListener | null;
  /** Removed before its first call; unset (not `false`) on the others: a field less for most. */
  readonly _once?: boolean;
  readonly _kind: typeof DOM | typeof SLOT | typeof EMITTER;
  /** `this` for an `on(type, fn, context)` listener, as eventemitter3 gives it. */
  readonly _context?: unknown;
  /** Lets go of the `signal` it was added with. */
  _release?: () => void;
}

const NONE: readonly ListenerRecord[] = [];
/** What an emitted value is read as for stops: never stopped (no object made per emit). */
const NEVER_STOPPED: { readonly _stopped?: boolean } = Object.freeze({});

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
  // Never changed in place, so every emitter without listeners can share one empty list.
  private _records: readonly ListenerRecord[] = NONE;

  /** As eventemitter3's `on`: `fn` is called with `this` = `context` (default: the emitter). */
  on<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this {
    this._add({ _type: type, _listener: fn as AnyListener, _kind: EMITTER, _context: context });
    return this;
  }

  /** The same as {@link on}. */
  addListener<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this {
    return this.on(type, fn, context);
  }

  /** As {@link on}, removed before its first call. */
  once<K extends EmitterEventName<E>>(type: K, fn: EmitterListener<E, K>, context?: unknown): this {
    this._add({ _type: type, _listener: fn as AnyListener, _once: true, _kind: EMITTER, _context: context });
    return this;
  }

  /** As eventemitter3's `off`: every `on()` listener `fn` (with that `context`, and `once` if given); all of `type` without `fn`. */
  off<K extends EmitterEventName<E>>(type: K, fn?: EmitterListener<E, K>, context?: unknown, once?: boolean): this {
    if (!fn) return this.removeAllListeners(type);
    for (const record of this._records) {
      // As eventemitter3, which stores `context || emitter`: the emitter itself matches no context.
      if (record._type === type && record._kind === EMITTER && record._listener === fn && (!once || record._once) && (!context || (record._context ?? this) === context)) {
        this._remove(record);
      }
    }
    return this;
  }

  /** The same as {@link off}. */
  removeListener<K extends EmitterEventName<E>>(type: K, fn?: EmitterListener<E, K>, context?: unknown, once?: boolean): this {
    return this.off(type, fn, context, once);
  }

  /** Removes every listener of `type` (of every kind), or of every event. */
  removeAllListeners(type?: EmitterEventName<E>): this {
    for (const record of this._records) if (type === undefined || record._type === type) this._remove(record);
    return this;
  }

  /** The listeners of `type`, of every kind, in the order they run. */
  listeners<K extends EmitterEventName<E>>(type: K): EmitterListener<E, K>[] {
    return this._records.filter((r) => r._type === type).map((r) => r._listener as unknown as EmitterListener<E, K>);
  }

  /** How many listeners `type` has, of every kind. */
  listenerCount(type: EmitterEventName<E>): number {
    let count = 0;
    for (const record of this._records) if (record._type === type) count++;
    return count;
  }

  /** The events that have listeners. */
  eventNames(): EmitterEventName<E>[] {
    return [...new Set(this._records.map((r) => r._type))] as EmitterEventName<E>[];
  }

  /** Calls the listeners of `type` with `event`, each isolated; `true` if it had any. */
  emit<K extends EmitterEventName<E>>(type: K, ...event: EventEmitter.EventArgs<E, K>): boolean {
    return this._dispatch(type, event[0]);
  }

  /**
   * Calls the listeners of `type` that were there when it started, each isolated. With
   * `stoppable` (the socket's own events and `dispatchEvent()`), `stopImmediatePropagation()`
   * skips the DOM-style and `on*` listeners after it, for this dispatch only, as in the DOM;
   * an emitted value (a channel's message, say) is never looked at. `true` if `type` had
   * listeners when it started.
   */
  protected _dispatch(type: string, event: unknown, stoppable?: boolean): boolean {
    const stop = (stoppable ? event : NEVER_STOPPED) as { _stopped?: boolean };
    let had = false;
    for (const record of this._records) {
      const listener = record._listener;
      if (record._type !== type) continue;
      had = true;
      // Removed by an earlier listener of this very event; or stopped, as in the DOM.
      if (!listener || (stop._stopped && record._kind !== EMITTER)) continue;
      if (record._once) this._remove(record);
      try {
        if (record._kind === EMITTER) (listener as (event: unknown) => void).call(record._context ?? this, event);
        else if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
    if (stop._stopped) stop._stopped = false;
    return had;
  }

  /** The DOM-style record of `listener`, or (`SLOT`) the `on*` handler's, for `type`. */
  protected _find(type: string, kind: typeof DOM | typeof SLOT, listener?: unknown): ListenerRecord | undefined {
    return this._records.find((r) => r._type === type && r._kind === kind && (kind === SLOT || r._listener === listener));
  }

  protected _add(record: ListenerRecord): void {
    this._records = [...this._records, record];
  }

  protected _remove(record: ListenerRecord | undefined): void {
    if (!record || !this._records.includes(record)) return;
    record._listener = null;
    record._release?.();
    this._records = this._records.filter((r) => r !== record);
  }
}
