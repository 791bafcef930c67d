import type { ClientHooks } from './invalid';
import { validate, type Checked, type Validator } from './schema';
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

/** One async iterator, as its channel feeds and ends it. */
interface Feed<T> {
  readonly _feed: (value: T, chars: number) => void;
  readonly _finish: () => void;
}

/**
 * One named channel: typed `send`, `on('message')` and async iteration. Get it with
 * `client.channel(name)` (see `channels()`); the same name gives the same object.
 */
export class Channel<S extends ChannelSpec = ChannelSpec> extends Emitter<ChannelEvents<Received<S>>> {
  /** Set by `client.channel(name, { validate })`; messages that fail go to the client's `invalid` event. */
  validator: Validator<Received<S>> | undefined;
  /** The last validation in line; settled when {@link _validating} is 0. */
  private _chain: Promise<void> | undefined;
  /** Messages, and their characters, waiting on an async validation (the chain). */
  private _validating = 0;
  private _validatingBytes = 0;
  /** Async iterators, fed apart from `on()` listeners so a throwing listener cannot starve them. */
  private readonly _feeds = new Set<Feed<Received<S>>>();

  /** @internal Created by its client. */
  constructor(
    /** The channel's name on the wire. */
    readonly name: string,
    private readonly _hooks: ClientHooks,
  ) {
    super();
  }

  /**
   * Sends `data` on this channel, through the socket's queue. Same result as `socket.send`;
   * `false` without sending once its client was disposed.
   */
  send(data: SpecPart<S, 'send'>): boolean {
    return !this._hooks._disposed && this._hooks._send(this._hooks.codec.encode({ channel: this.name, data }));
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
    const { bufferSize = 1000, maxBytes } = options;
    // NaN and Infinity fail these comparisons too: the defaults then apply.
    const size = bufferSize >= 1 && bufferSize < Infinity ? Math.floor(bufferSize) : 1000;
    const most = maxBytes! >= 1 ? maxBytes! : this._hooks.limits.iteratorBytes;
    // Messages the consumer has not asked for yet (as the results next() gives), with their characters.
    const buffer: [IteratorResult<T>, number][] = [];
    let bytes = 0;
    // Every next() not yet answered, oldest first: callers may ask several times without awaiting.
    const waiting: ((result: IteratorResult<T>) => void)[] = [];
    let done = this._hooks._ended;
    const take = (): IteratorResult<T> => {
      const [result, chars] = buffer.shift()!;
      bytes -= chars;
      return result;
    };
    const feed: Feed<T> = {
      _feed: (value, chars) => {
        const result = { value, done: false };
        const wake = waiting.shift();
        if (wake) return wake(result);
        buffer.push([result, chars]);
        bytes += chars;
        // Bounded in messages and in characters (an empty buffer holds 0, under any bound): the oldest go first, each reported.
        while (buffer.length > size || bytes > most) (this.emit as (event: string, value: unknown) => boolean)('overflow', take().value);
      },
      _finish: () => {
        done = true;
        this._feeds.delete(feed);
        for (const wake of waiting.splice(0)) wake(DONE);
      },
    };
    if (!done) this._feeds.add(feed);
    const iterator: AsyncIterableIterator<T> = {
      next: () => Promise.resolve(buffer.length > 0 ? take() : done ? DONE : new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve))),
      return: () => {
        buffer.length = bytes = 0;
        feed._finish();
        return Promise.resolve(DONE);
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
    // Messages waiting on an async validation: while there are any, every message queues behind them.
    const waiting = this._validating;
    if (!validator && !waiting) return this._deliver(data as Received<S>, size);
    // Bounded, checked before validating this one.
    const { validating, validatingBytes } = this._hooks.limits;
    if (waiting && (waiting >= validating || this._validatingBytes + size > validatingBytes)) {
      return this._hooks._invalid('overflow', data, `${waiting} messages already waiting on validation`, this.name);
    }
    const checked = validator ? validate(validator, data) : { value: data as Received<S> };
    if (!waiting && !(checked instanceof Promise)) return this._settle(data, checked, size);
    this._validating++;
    this._validatingBytes += size;
    // Behind the last validation (settled already when none waits): messages keep their order.
    this._chain = (this._chain ?? Promise.resolve())
      .then(() => checked)
      .then((result) => {
        this._validating--;
        this._validatingBytes -= size;
        this._settle(data, result, size);
      });
  }

  /** @internal The socket closed for good, or the client was disposed: iterations end (after what they buffered). */
  _end(): void {
    for (const feed of [...this._feeds]) feed._finish();
  }

  private _settle(raw: unknown, checked: Checked<Received<S>>, size: number): void {
    if (this._hooks._disposed) return;
    if (checked.issues) this._hooks._invalid('validation', raw, checked.issues, this.name);
    else this._deliver(checked.value, size);
  }

  private _deliver(value: Received<S>, size: number): void {
    for (const feed of this._feeds) feed._feed(value, size);
    // Each listener runs isolated (the Emitter's way): one that throws is reported and never
    // unwinds into the client or the socket.
    (this.emit as (event: string, value: unknown) => boolean)('message', value);
  }
}

/** What next() gives once an iteration is over: one frozen object, so no caller can change it for the others. */
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
