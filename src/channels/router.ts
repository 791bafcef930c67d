import { Channel } from './channel';
import type { Clock, TimerHandle } from '../socket/clock';
import type { Codec, Envelope } from './codec';
import { SteadySocketError } from '../socket/errors';
import type { MessageData } from '../socket/events';
import type { Extras, Outcome } from '../socket/outbound-queue';
import { validate, type Checked, type ValidationIssue, type Validator } from './schema';

/** Why an inbound message did not reach a typed listener. */
export type InvalidReason =
  /** Longer than `maxMessageSize`: not parsed at all. */
  | 'too-large'
  /** The codec could not decode it (not JSON, not an object…). */
  | 'undecodable'
  /** Decoded, but neither a channel message nor a reply. */
  | 'shape'
  /** A channel nobody asked for with `channel(name)`. */
  | 'unknown-channel'
  /** A reply to a request id this socket never issued. */
  | 'unknown-reply'
  /** The channel's (or request's) validator refused it. */
  | 'validation';

/** A message that was turned away, for the socket's `invalid` event. */
export interface InvalidReport {
  readonly reason: InvalidReason;
  /** The channel it named, when it named one. */
  readonly channel: string | undefined;
  /** The raw text (too large, undecodable) or the decoded payload. */
  readonly data: unknown;
  readonly issues: readonly ValidationIssue[];
}

/** Options of `request()`. */
export interface RequestOptions<Reply = unknown> {
  /**
   * Ms to wait for the reply.
   * @default the `requestTimeout` option (10 000)
   */
  timeout?: number;
  /** Aborts the request: it rejects with `REQUEST_ABORTED`. */
  signal?: AbortSignal;
  /**
   * Safe to send twice: if the connection is lost after it was written, it is sent again
   * after the reconnect instead of rejecting with `CONNECTION_LOST`.
   * @default false
   */
  idempotent?: boolean;
  /** Checks the reply; one that fails rejects with `INVALID_MESSAGE`. */
  validate?: Validator<Reply>;
}

/** What the router needs from its socket. */
export interface RouterHooks {
  /** Sends wire text through the queue; `extras.track` learns whether it was written or dropped. */
  send(text: string, extras?: Extras): boolean;
  invalid(report: InvalidReport): void;
}

interface Pending {
  readonly id: number;
  readonly text: string;
  readonly idempotent: boolean;
  readonly validator: Validator<unknown> | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SteadySocketError) => void;
  timer: TimerHandle | undefined;
  /** Written to the current connection (and so lost with it). */
  written: boolean;
  cleanup: () => void;
}

/**
 * Inbound routing and requests: decodes each text message once (through the codec),
 * hands it to its channel — looked up in a Map, so no name reaches an object's prototype —
 * or settles the request it replies to. Nothing here throws because of what arrived.
 */
export class Router {
  // Created on first use: most sockets never open a channel or make a request (a Map is ~190 B).
  private channels: Map<string, Channel> | undefined;
  private pending: Map<number, Pending> | undefined;
  private nextId = 1;
  /** Closed for good: channels created now start ended. */
  private ended = false;

  constructor(
    private readonly codec: Codec,
    private readonly limits: { readonly maxMessageSize: number; readonly requestTimeout: number },
    private readonly clock: Clock,
    private readonly hooks: RouterHooks,
  ) {}

  /** Whether inbound messages need decoding at all: only once channels or requests are in use. */
  get active(): boolean {
    return (this.channels?.size ?? 0) > 0 || (this.pending?.size ?? 0) > 0;
  }

  channel(name: string): Channel {
    const channels = (this.channels ??= new Map());
    let channel = channels.get(name);
    if (!channel) {
      channel = new Channel(name, (channelName, data) => this.hooks.send(this.codec.encode({ channel: channelName, data })), (channelName, data, issues) =>
        this.hooks.invalid({ reason: 'validation', channel: channelName, data, issues }),
      );
      channels.set(name, channel);
      if (this.ended) channel.end();
    }
    return channel;
  }

  route(data: MessageData): void {
    // Channels speak text; binary messages are left to raw `message` listeners.
    if (typeof data !== 'string') return;
    if (data.length > this.limits.maxMessageSize) {
      this.report('too-large', undefined, data, `longer than maxMessageSize (${this.limits.maxMessageSize})`);
      return;
    }
    // A custom codec may return anything, with getters that throw: read it once, guarded.
    let name: unknown;
    let id: unknown;
    let payload: unknown;
    let failure: { error: unknown } | undefined;
    try {
      const envelope: Envelope | undefined = this.codec.decode(data);
      if (envelope === undefined) return;
      if (typeof envelope !== 'object' || envelope === null) throw new TypeError('the codec returned no envelope');
      ({ channel: name, id, data: payload } = envelope);
      // Only a reply can be an error reply; channel messages skip the check.
      if (name === undefined && 'error' in envelope) failure = { error: envelope.error };
    } catch (error) {
      this.report('undecodable', undefined, data, describe(error));
      return;
    }
    if (name === undefined && typeof id === 'number') this.reply(id, payload, failure);
    else if (typeof name !== 'string') this.report('shape', undefined, payload, 'neither a channel message nor a reply');
    else {
      const channel = this.channels?.get(name);
      if (channel) channel.accept(payload);
      else this.report('unknown-channel', name, payload, `no channel "${name}"`);
    }
  }

  request(name: string, data: unknown, options: RequestOptions = {}): Promise<unknown> {
    const { signal, idempotent = false, validate: validator } = options;
    const timeout = options.timeout ?? this.limits.requestTimeout;
    if (typeof timeout !== 'number' || !(timeout >= 0)) {
      return Promise.reject(new TypeError(`request timeout must be a non-negative number of ms, got ${String(timeout)}`));
    }
    if (signal?.aborted) return Promise.reject(aborted(signal));
    const id = this.nextId++;
    let text: string;
    try {
      text = this.codec.encode({ channel: name, data, id });
    } catch (cause) {
      return Promise.reject(cause);
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => signal && this.settle(id, aborted(signal));
      const request: Pending = {
        id, text, idempotent, validator, resolve, reject, written: false, timer: undefined,
        cleanup: () => {
          if (request.timer !== undefined) this.clock.clearTimeout(request.timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      (this.pending ??= new Map()).set(id, request);
      if (timeout !== Infinity) {
        request.timer = this.clock.setTimeout(
          () => this.settle(id, new SteadySocketError('REQUEST_TIMEOUT', `No reply to "${name}" within ${timeout} ms`)),
          timeout,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.transmit(request);
    });
  }

  /** The connection ended: requests written to it are resent (idempotent) or rejected. */
  connectionLost(): void {
    const again: Pending[] = [];
    for (const request of [...(this.pending?.values() ?? [])]) {
      if (!request.written) continue; // still queued: it goes out on the next connection
      if (request.idempotent) again.push(request);
      else this.settle(request.id, new SteadySocketError('CONNECTION_LOST', 'The connection was lost after the request was sent'));
    }
    // Back to the front of the queue, in their original order: they were sent before anything still waiting.
    for (const request of again.reverse()) {
      request.written = false;
      this.transmit(request, true);
    }
  }

  /** The socket closed for good: every request settles, every iteration ends. */
  closed(): void {
    for (const id of [...(this.pending?.keys() ?? [])]) this.settle(id, new SteadySocketError('CONNECTION_LOST', 'The socket was closed'));
    this.ended = true;
    for (const channel of this.channels?.values() ?? []) channel.end();
  }

  /** The socket was revived after giving up. */
  reopened(): void {
    this.ended = false;
    for (const channel of this.channels?.values() ?? []) channel.reopen();
  }

  private transmit(request: Pending, front = false): void {
    const mine = () => this.pending?.get(request.id) === request;
    const track = (outcome: Outcome) => {
      if (!mine()) return;
      if (outcome === 'written') request.written = true;
      else this.settle(request.id, new SteadySocketError(DROPPED[outcome as keyof typeof DROPPED] ?? 'CONNECTION_LOST', `The request was dropped (${outcome})`));
    };
    // `alive`: a request settled (aborted, timed out) before its turn is not written at all.
    this.hooks.send(request.text, { track, alive: mine, front });
  }

  private reply(id: number, payload: unknown, failure: { error: unknown } | undefined): void {
    const request = this.pending?.get(id);
    if (!request) {
      // Ids below nextId were ours and settled already (timeout, abort): a late reply is normal.
      if (!(id >= 1 && id < this.nextId)) this.report('unknown-reply', undefined, payload, `no request ${id}`);
      return;
    }
    if (failure) {
      this.settle(id, new SteadySocketError('REQUEST_FAILED', describeFailure(failure.error), { cause: failure.error }));
      return;
    }
    if (!request.validator) {
      this.settle(id, undefined, payload);
      return;
    }
    const finish = (checked: Checked<unknown>) => {
      if (this.pending?.get(id) !== request) return; // settled meanwhile (timeout, abort, close)
      if (checked.ok) this.settle(id, undefined, checked.value);
      else {
        this.hooks.invalid({ reason: 'validation', channel: undefined, data: payload, issues: checked.issues });
        this.settle(id, new SteadySocketError('INVALID_MESSAGE', 'The reply failed validation', { cause: checked.issues }));
      }
    };
    const checked = validate(request.validator, payload);
    if (checked instanceof Promise) void checked.then(finish);
    else finish(checked);
  }

  private settle(id: number, error: SteadySocketError | undefined, value?: unknown): void {
    const request = this.pending?.get(id);
    if (!request) return;
    this.pending!.delete(id);
    request.cleanup();
    if (error) request.reject(error);
    else request.resolve(value);
  }

  private report(reason: InvalidReason, channel: string | undefined, data: unknown, message: string): void {
    this.hooks.invalid({ reason, channel, data, issues: [{ message }] });
  }
}

function aborted(signal: AbortSignal): SteadySocketError {
  return new SteadySocketError('REQUEST_ABORTED', 'The request was aborted', { cause: signal.reason });
}

/** The error code a request rejects with when its message is dropped from the queue. */
const DROPPED = { overflow: 'QUEUE_OVERFLOW', expired: 'REQUEST_TIMEOUT' } as const;

function describeFailure(error: unknown): string {
  if (typeof error === 'string') return error;
  try {
    const message = (error as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
  } catch {
    // A getter that throws: the generic text will do.
  }
  return 'The server answered with an error';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
