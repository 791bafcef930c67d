import { Emitter } from './emitter';
import type { SteadySocketError } from './errors';
import { SteadyEventObject, type SteadyEventTarget, type SteadySocketEventMap, type SteadySocketEvents } from './events';
import type { AnyListener, EventName, Handler, ListenerOptions, ReadHandler, SteadyListener } from './listener-types';
import type { Logger, ResolvedOptions } from './options';

/**
 * The socket's event surface, and how it tells what happens. The base of {@link SocketCore}:
 * the {@link Emitter}'s typed `on`/`once`/`off` (eventemitter3's signatures), the DOM's
 * `addEventListener`/`removeEventListener`/`dispatchEvent`, and `on*` handler properties,
 * every kind in one order per event; every listener runs isolated, as in a browser: one that
 * throws does not stop the others. Event objects, the logger, and the once-per-socket console
 * warning for a drop or an error nobody listens to are made here too.
 *
 * Delivery is deferred to the end of the operation that produced the events (see
 * {@link _operation}), so a listener always sees a finished state and whatever it calls —
 * `close()` inside a `state` listener, say — starts from a consistent one.
 */
export abstract class SocketEventTarget extends Emitter<SteadySocketEvents> {
  protected abstract readonly _options: ResolvedOptions;
  /**
   * Bumped by the subclass on every change that makes earlier announcements stale (it only
   * grows). The subclass sets it (to 0): with no field to set, this class needs no constructor.
   */
  protected abstract _epoch: number;
  /**
   * Events waiting for the end of the operation, two entries each (a flat list: no object
   * per event): the event, and for an announcement the epoch it is delivered in.
   */
  private _posted: unknown[] | undefined;
  /** How deep in operations the stack is: unset (0) outside one. */
  private _depth?: number;
  private _delivering?: boolean;
  /**
   * The names of the events already warned about on the console, run together: unset before
   * the first warning, which appends to `undefined` (a string in which no event name occurs).
   */
  private _warned?: string;

  /** As the DOM's: a function or `{ handleEvent }`, once per listener, with `once` and `signal`. */
  addEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's (only {@link dispatchEvent} fires those). */
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  addEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void {
    // A boolean (capture), or none, has neither: `Object()` makes it an object without them.
    const { once, signal }: Exclude<ListenerOptions, boolean> = Object(options);
    // The DOM adds the same listener once; so do we.
    if (listener == null || signal?.aborted || this._find(type, 2, listener)) return;
    const record = this._add(type, listener, once ? 3 : 2);
    // Removing the listener (the abort too does) also lets go of the signal (see _remove).
    if (signal) (record._signal = signal).addEventListener('abort', (record._onAbort = () => this._remove(record)));
  }

  /** As the DOM's. */
  removeEventListener<K extends EventName>(type: K, listener: SteadyListener<K> | null, options?: ListenerOptions): void;
  /** Any other event name, as the DOM's. */
  removeEventListener(type: string, listener: AnyListener | null, options?: ListenerOptions): void;
  removeEventListener(type: string, listener: AnyListener | null): void {
    this._remove(this._find(type, 2, listener));
  }

  /**
   * As the DOM's: delivers `event` to the listeners of `event.type` at once. Always `true`
   * (nothing is cancelable).
   */
  dispatchEvent(event: { readonly type: string }): boolean {
    this._dispatch(event.type, event, event as SteadyEventObject);
    return true;
  }

  /**
   * Runs a state change; the events posted meanwhile are delivered when the outermost
   * operation ends, after {@link _settle}. Every entry point (public method, native handler,
   * timer) goes through here.
   * @internal
   */
  _operation<T>(change: () => T): T {
    this._depth = (this._depth ?? 0) + 1;
    try {
      return change();
    } finally {
      if (!--this._depth!) {
        this._settle();
        this._deliver();
      }
    }
  }

  private _deliver(): void {
    const posted = this._posted;
    // Nothing posted yet; or the loop below is already running further up the stack.
    if (posted && !this._delivering) {
      // Delivering: what its listeners post (a reconnect()'s close) waits until all have run.
      this._delivering = true;
      try {
        // Listeners may post more; the loop picks those up in order. An announcement is
        // skipped if the state moved on before its turn came (its epoch is below the
        // socket's): no `reconnecting` after a `close()` made by an earlier listener.
        for (let i = 0; i < posted.length; i += 2) {
          const event = posted[i] as SteadyEventObject;
          if (!((posted[i + 1] as number) < this._epoch)) this._dispatch(event.type, event, event);
        }
      } finally {
        posted.length = 0;
        this._delivering = false;
      }
    }
  }

  /** Runs when the outermost operation ends, before its events are delivered: a last chance to post. */
  protected abstract _settle(): void;

  /**
   * Tells the logger; with none, warns once per socket on the console about `event` when
   * nothing listens to it (a drop or an error must not pass unseen).
   */
  protected _log(level: keyof Logger, event: 'drop' | 'error' | undefined, message: string): void {
    const { logger } = this._options;
    if (logger) logger[level]?.(`steadysocket: ${message}`);
    else if (event && !this.listenerCount(event) && !this._warned?.includes(event)) {
      // The events warned about, as one string ('drop', 'error', or both).
      this._warned = (this._warned ?? '') + event;
      globalThis.console?.warn(`steadysocket: ${message}. Nothing listens to '${event}' events (said once per socket).`);
    }
  }

  /**
   * Builds the event `type` with `fields`, targeted at this socket, and posts it: delivered
   * when the operation ends (at once outside one); with `epoch`, only if no later change made
   * it stale. Returns it.
   */
  protected _fire<K extends EventName>(type: K, fields: object, epoch?: number): SteadySocketEventMap[K] {
    const event = Object.assign(new SteadyEventObject(type, this as unknown as SteadyEventTarget, this._options.clock.now()), fields);
    (this._posted ??= []).push(event, epoch);
    if (!this._depth) this._deliver();
    return event as unknown as SteadySocketEventMap[K];
  }

  /** Logs `error` and posts it as an `error` event. */
  protected _fail(error: SteadySocketError): void {
    this._log('error', 'error', `${error.code}: ${error.message}`);
    this._fire('error', { error, message: error.message });
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
      return this._find(type, 4)?._listener ?? null;
    },
    set(this: Slots, handler: unknown) {
      const slot = this._find(type, 4);
      if (typeof handler !== 'function') this._remove(slot);
      else if (slot) slot._listener = handler as AnyListener;
      else this._add(type, handler as AnyListener, 4);
    },
  });
}
