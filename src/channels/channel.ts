import type { InvalidReason } from './invalid';
import { validate, type Checked, type ValidationIssue, type Validator } from './schema';
import { Emitter } from '../socket/index';

/** The message types of one channel; each is optional. */
export interface ChannelSpec {
  /** What the server pushes on this channel. */
  receive?: unknown;
  /** What `channel.send()` takes. */
  send?: unknown;
  /** What `request()` sends. */
  request?: unknown;
  /** What a request's reply carries. */
  reply?: unknown;
}

/** The API of a server: channel name → its message types. */
export type ChannelMap = Record<string, ChannelSpec>;

/** A `receive`, `send`, `request` or `reply` type of a channel spec; `never` when absent. */
export type SpecPart<S, K extends keyof ChannelSpec> = K extends keyof S ? S[K] : never;

/**
 * What a channel's listeners and iterators get: its `receive` type, or `unknown` where it
 * declares none (eventemitter3's listener types would turn `never` into `any`).
 */
export type Received<S> = [SpecPart<S, 'receive'>] extends [never] ? unknown : SpecPart<S, 'receive'>;

/** What a request on the channel resolves with: its `reply` type, or `unknown` where it declares none. */
export type Replied<S> = [SpecPart<S, 'reply'>] extends [never] ? unknown : SpecPart<S, 'reply'>;

/** Channel names that take requests. */
export type RequestName<Api> = { [K in keyof Api]: 'request' extends keyof Api[K] ? K : never }[keyof Api] & string;

/** Events of a channel. */
export interface ChannelEvents<T> {
  /** A message that passed validation. */
  message: (data: T) => void;
  /** The oldest message buffered for a slow async iterator was discarded to bound memory. */
  overflow: (data: T) => void;
}

/** Options of `iterate()`. */
export interface IterateOptions {
  /**
   * Messages buffered while the consumer is busy. When full, the oldest is discarded and
   * reported in an `overflow` event, so a slow consumer cannot grow memory without bound.
   * @default 1000
   */
  bufferSize?: number;
  /**
   * The same bound in characters of the messages' wire text: a consumer that never reads
   * holds at most this much, however large the messages.
   * @default the client's `limits.iteratorBytes` (4 Mi characters)
   */
  maxBytes?: number;
}

/** What a channel is bounded by (its client's `limits`). */
export interface ChannelBounds {
  readonly iteratorBytes: number;
  readonly validating: number;
  readonly validatingBytes: number;
}

/** Turns a message away, for the client's `invalid` event. */
export type RejectMessage = (reason: InvalidReason, channel: string, data: unknown, issues: readonly ValidationIssue[]) => void;

/**
 * One named channel: typed `send`, `on('message')` and async iteration. Get it with
 * `client.channel(name)` (see `channels()`); the same name gives the same object.
 */
export class Channel<S extends ChannelSpec = ChannelSpec> extends Emitter<ChannelEvents<Received<S>>> {
  /** Set by `client.channel(name, { validate })`; messages that fail go to the client's `invalid` event. */
  validator: Validator<Received<S>> | undefined;
  private _chain: Promise<void> | undefined;
  /** Messages, and their characters, waiting on an async validation (the chain). */
  private _validating = 0;
  private _validatingBytes = 0;
  private _ended = false;
  /** Its client was disposed: nothing is sent or delivered any more, not even a validation under way. */
  private _detached = false;
  private readonly _enders = new Set<() => void>();
  /** Async iterators, fed apart from `on()` listeners so a throwing listener cannot starve them. */
  private readonly _feeds = new Set<(value: Received<S>, size: number) => void>();

  /** @internal Created by its client. */
  constructor(
    /** The channel's name on the wire. */
    readonly name: string,
    private readonly transmit: (channel: string, data: unknown) => boolean,
    private readonly reject: RejectMessage,
    private readonly bounds: ChannelBounds,
  ) {
    super();
  }

  /**
   * Sends `data` on this channel, through the socket's queue. Same result as `socket.send`;
   * `false` without sending once its client was disposed.
   */
  send(data: SpecPart<S, 'send'>): boolean {
    return !this._detached && this.transmit(this.name, data);
  }

  /** `for await (const m of channel)`: {@link iterate} with its defaults. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Received<S>> {
    return this.iterate();
  }

  /**
   * Iterates over the messages that arrive from now on; ends when the socket closes for
   * good or the client is disposed. `break` releases the listener.
   */
  iterate(options: IterateOptions = {}): AsyncIterableIterator<Received<S>> {
    type T = Received<S>;
    const wanted = options.bufferSize ?? 1000;
    const size = Number.isFinite(wanted) && wanted >= 1 ? Math.floor(wanted) : 1000;
    const maxBytes = options.maxBytes !== undefined && options.maxBytes >= 1 ? options.maxBytes : this.bounds.iteratorBytes;
    const buffer: T[] = [];
    const sizes: number[] = [];
    let bytes = 0;
    // Every next() not yet answered, oldest first: callers may ask several times without awaiting.
    const waiting: ((result: IteratorResult<T>) => void)[] = [];
    let done = this._ended;
    const take = (): T => {
      bytes -= sizes.shift()!;
      return buffer.shift() as T;
    };
    const feed = (value: T, chars: number) => {
      const wake = waiting.shift();
      if (wake) {
        wake({ value, done: false });
        return;
      }
      buffer.push(value);
      sizes.push(chars);
      bytes += chars;
      // Bounded in messages and in characters: the oldest go first, each reported.
      while (buffer.length > size || (bytes > maxBytes && buffer.length > 0)) (this.emit as (event: string, value: unknown) => boolean)('overflow', take());
    };
    const finish = () => {
      done = true;
      this._feeds.delete(feed);
      this._enders.delete(finish);
      for (const wake of waiting.splice(0)) wake({ value: undefined, done: true });
    };
    if (!done) {
      this._feeds.add(feed);
      this._enders.add(finish);
    }
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (buffer.length > 0) return Promise.resolve({ value: take(), done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: () => {
        buffer.length = sizes.length = bytes = 0;
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * @internal A decoded message for this channel: validated (in arrival order, even with
   * an async validator), then delivered.
   */
  _accept(data: unknown, size = 0): void {
    const validator = this.validator;
    if (!validator && !this._chain) {
      this._deliver(data as Received<S>, size);
      return;
    }
    // Messages wait behind an async validation: bounded, checked before validating this one.
    const { validating, validatingBytes } = this.bounds;
    if (this._chain && (this._validating >= validating || this._validatingBytes + size > validatingBytes)) {
      this.reject('overflow', this.name, data, [{ message: `${this._validating} messages already waiting on validation` }]);
      return;
    }
    const checked = validator ? validate(validator, data) : { ok: true as const, value: data as Received<S> };
    if (!this._chain && !(checked instanceof Promise)) {
      this._settle(data, checked, size);
      return;
    }
    this._validating++;
    this._validatingBytes += size;
    const next: Promise<void> = (this._chain ?? Promise.resolve())
      .then(() => checked)
      .then((result) => {
        this._validating--;
        this._validatingBytes -= size;
        this._settle(data, result, size);
      });
    this._chain = next;
    void next.then(() => {
      if (this._chain === next) this._chain = undefined;
    });
  }

  /** @internal The socket closed for good: iterations end (after what they buffered). */
  _end(): void {
    this._ended = true;
    for (const finish of [...this._enders]) finish();
  }

  /** @internal The socket was revived by `reconnect()` after giving up. */
  _reopen(): void {
    if (!this._detached) this._ended = false;
  }

  /** @internal Its client was disposed: iterations end, and for good. */
  _detach(): void {
    this._detached = true;
    this._end();
  }

  private _settle(raw: unknown, checked: Checked<Received<S>>, size: number): void {
    if (this._detached) return;
    if (checked.ok) this._deliver(checked.value, size);
    else this.reject('validation', this.name, raw, checked.issues);
  }

  private _deliver(value: Received<S>, size: number): void {
    if (this._feeds.size > 0) for (const feed of this._feeds) feed(value, size);
    // Each listener runs isolated (the Emitter's way): one that throws is reported and never
    // unwinds into the client or the socket.
    (this.emit as (event: string, value: unknown) => boolean)('message', value);
  }
}
