import { EventEmitter } from 'eventemitter3';
import { reportListenerError } from './event-target';
import { validate, type Checked, type ValidationIssue, type Validator } from './schema';

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
}

/**
 * One named channel of a SteadySocket: typed `send`, `on('message')` and async iteration.
 * Get it with `socket.channel(name)`; the same name gives the same object.
 */
export class Channel<S extends ChannelSpec = ChannelSpec> extends EventEmitter<ChannelEvents<Received<S>>> {
  /** Set by `socket.channel(name, { validate })`; messages that fail go to the socket's `invalid` event. */
  validator: Validator<Received<S>> | undefined;
  private chain: Promise<void> | undefined;
  private ended = false;
  private readonly enders = new Set<() => void>();

  /** @internal Created by the socket. */
  constructor(
    readonly name: string,
    private readonly transmit: (channel: string, data: unknown) => boolean,
    private readonly reject: (channel: string, data: unknown, issues: readonly ValidationIssue[]) => void,
  ) {
    super();
  }

  /** Sends `data` on this channel, through the socket's queue. Same result as `socket.send`. */
  send(data: SpecPart<S, 'send'>): boolean {
    return this.transmit(this.name, data);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Received<S>> {
    return this.iterate();
  }

  /**
   * Iterates over the messages that arrive from now on; ends when the socket closes for
   * good. `break` releases the listener.
   */
  iterate(options: IterateOptions = {}): AsyncIterableIterator<Received<S>> {
    type T = Received<S>;
    const size = Math.max(1, options.bufferSize ?? 1000);
    const buffer: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | undefined;
    let done = this.ended;
    const onMessage = (value: T) => {
      if (waiting) {
        const wake = waiting;
        waiting = undefined;
        wake({ value, done: false });
        return;
      }
      buffer.push(value);
      if (buffer.length > size) this.emit('overflow', buffer.shift() as T);
    };
    const finish = () => {
      done = true;
      this.off('message', onMessage);
      this.enders.delete(finish);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    };
    if (!done) {
      this.on('message', onMessage);
      this.enders.add(finish);
    }
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as T, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        buffer.length = 0;
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
  accept(data: unknown): void {
    const validator = this.validator;
    if (!validator && !this.chain) {
      this.deliver(data as Received<S>);
      return;
    }
    const checked = validator ? validate(validator, data) : { ok: true as const, value: data as Received<S> };
    if (!this.chain && !(checked instanceof Promise)) {
      this.settle(data, checked);
      return;
    }
    const next: Promise<void> = (this.chain ?? Promise.resolve())
      .then(() => checked)
      .then((result) => this.settle(data, result));
    this.chain = next;
    void next.then(() => {
      if (this.chain === next) this.chain = undefined;
    });
  }

  /** @internal The socket closed for good: iterations end (after what they buffered). */
  end(): void {
    this.ended = true;
    for (const finish of [...this.enders]) finish();
  }

  /** @internal The socket was revived by `reconnect()` after giving up. */
  reopen(): void {
    this.ended = false;
  }

  private settle(raw: unknown, checked: Checked<Received<S>>): void {
    if (checked.ok) this.deliver(checked.value);
    else this.reject(this.name, raw, checked.issues);
  }

  private deliver(value: Received<S>): void {
    try {
      (this.emit as (event: 'message', value: unknown) => boolean)('message', value);
    } catch (error) {
      reportListenerError(error);
    }
  }
}
