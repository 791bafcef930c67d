/**
 * The pending-request bookkeeping of one channel client: ids, timeouts, abort signals,
 * replies, and what a lost or closed connection does to each request.
 */
import { SteadySocketError, type Outcome, type SteadySocketErrorCode, type TimerHandle } from '../socket/index';
import type { ClientHooks } from './invalid';
import { messageOf } from './message-of';
import { isNumber } from './options';
import { validate, type Checked, type Validator } from './schema';

/** Options of `request()`. */
export interface RequestOptions<Reply = unknown> {
  /**
   * Ms to wait for the reply (`Infinity`: forever).
   * @default the client's `requestTimeout` option (10 000)
   */
  timeout?: number;
  /** Aborts the request: it rejects with `REQUEST_ABORTED`, and is not written if it still waits in the queue. */
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

/** The next request id of a socket: shared by every client on it, so that their ids never collide. */
interface IdSource {
  next: number;
}

const idSources = new WeakMap<object, IdSource>();

/** The id source of `socket`, made on first use. */
export function idsOf(socket: object): IdSource {
  let ids = idSources.get(socket);
  if (!ids) idSources.set(socket, (ids = { next: 1 }));
  return ids;
}

/** A request awaiting its reply. Its members are `_`-named: the build shortens them. */
interface Pending {
  readonly _id: number;
  readonly _text: string;
  readonly _idempotent: boolean;
  readonly _validator: Validator<unknown> | undefined;
  readonly _resolve: (value: unknown) => void;
  readonly _reject: (error: unknown) => void;
  readonly _signal: AbortSignal | undefined;
  readonly _onAbort: () => void;
  /** Aborted when the request settles: a copy still waiting in the socket's queue is then never written. */
  readonly _unsent: AbortController;
  // Optional (not initialised): fewer bytes in every app, for fields a request may never set.
  _timer?: TimerHandle;
  /** Written to the current connection (and so lost with it). */
  _written?: boolean;
}

/**
 * Requests in flight, by id: each settles exactly once — with its reply, an error reply,
 * a timeout, an abort, a refused or dropped send, a lost or closed connection, or the
 * client's disposal — and then lets go of its timer and its signal.
 * @internal Its client's part; every member is `_`-named, as the build shortens those.
 */
export class Requests {
  // Created on first use: most clients never make a request (a Map is ~190 B).
  private _pending: Map<number, Pending> | undefined;
  /**
   * Ids answered by a reply, newest last, at most {@link ANSWERED_KEPT}: a second reply to
   * one of them is the server's mistake and is reported, while a late reply to a request
   * that timed out or was aborted is normal and is not.
   */
  private _answered: Set<number> | undefined;
  /** Characters of the pending requests' texts. */
  private _pendingBytes = 0;

  constructor(
    private readonly _ids: IdSource,
    private readonly _hooks: ClientHooks,
  ) {}

  /** Whether inbound replies need reading: requests are pending, or answered ones may be answered again. */
  _listening(): boolean {
    return !!(this._pending?.size || this._answered?.size);
  }

  _request(name: string, data: unknown, options: RequestOptions = {}): Promise<unknown> {
    // Whatever throws in here (a bad timeout, an aborted signal, a codec that cannot encode, a full table) rejects the promise.
    return new Promise((resolve, reject) => {
      const { codec, requestTimeout, clock, limits, _disposed } = this._hooks;
      if (_disposed) throw new SteadySocketError('CONNECTION_LOST', DISPOSED);
      const { signal, idempotent = false, validate: validator } = options;
      const timeout = options.timeout ?? requestTimeout;
      // Checked as the options are: a TypeError if not a number, a RangeError if below 0.
      isNumber('request timeout', timeout, 0, '0 or more (ms)');
      if (signal?.aborted) throw aborted(signal);
      const id = this._ids.next++;
      const onAbort = () => this._settle(id, aborted(signal!));
      const text = codec.encode({ channel: name, data, id });
      // Each waiting request keeps its text (to send again after a reconnect): bounded.
      const count = this._pending?.size ?? 0;
      if (count >= limits.pendingRequests || this._pendingBytes + text.length > limits.pendingRequestBytes) {
        throw new SteadySocketError('QUEUE_OVERFLOW', `${count} requests (${this._pendingBytes} characters) already await replies: limits.pendingRequests or pendingRequestBytes`);
      }
      this._pendingBytes += text.length;
      const request: Pending = {
        _id: id, _text: text, _idempotent: idempotent, _validator: validator, _resolve: resolve, _reject: reject,
        _signal: signal, _onAbort: onAbort, _unsent: new AbortController(),
      };
      (this._pending ??= new Map()).set(id, request);
      if (timeout !== Infinity) {
        request._timer = clock.setTimeout(() => this._fail(id, 'REQUEST_TIMEOUT', `No reply to "${name}" within ${timeout} ms`), timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this._transmit(request, false);
    });
  }

  /**
   * A reply arrived for `id`: settles its request. A reply to no request of this client is
   * reported unless a client on this socket issued that id (another client's, or a late
   * reply to one that timed out or was aborted: normal).
   */
  _reply(id: number, payload: unknown, failure: { error: unknown } | undefined): void {
    const request = this._pending?.get(id);
    const answered = (this._answered ??= new Set());
    // Answered already: settled, or its first reply still in an async validation.
    const again = answered.has(id);
    if (again || !request) {
      if (again || !(id >= 1 && id < this._ids.next)) this._hooks._invalid('unknown-reply', payload, again ? `request ${id} was answered already` : `no request ${id}`);
      return;
    }
    answered.add(id);
    if (answered.size > ANSWERED_KEPT) answered.delete(answered.values().next().value!);
    if (failure) return this._fail(id, 'REQUEST_FAILED', messageOf(failure.error, 'The server answered with an error'), { cause: failure.error });
    const finish = (checked: Checked<unknown>) => {
      if (this._pending?.get(id) !== request) return; // settled meanwhile (timeout, abort, close)
      if (!checked.issues) return this._settle(id, undefined, checked.value);
      this._hooks._invalid('validation', payload, checked.issues);
      this._fail(id, 'INVALID_MESSAGE', 'The reply failed validation', { cause: checked.issues });
    };
    const checked = request._validator ? validate(request._validator, payload) : { value: payload };
    if (checked instanceof Promise) void checked.then(finish);
    else finish(checked);
  }

  /**
   * The connection ended. A reconnect follows: requests written to it are resent
   * (idempotent) or rejected, those still queued go out on the next connection. Or
   * (`final`: the final close, a disposal) there is none: every request rejects with it.
   */
  _lost(final?: string): void {
    const again: Pending[] = [];
    for (const request of [...(this._pending?.values() ?? [])]) {
      if (final || (request._written && !request._idempotent)) this._fail(request._id, 'CONNECTION_LOST', final ?? 'The connection was lost after the request was sent');
      else if (request._written) again.push(request);
    }
    // Back to the front of the queue, in their original order: they were sent before anything still waiting.
    for (const request of again.reverse()) {
      request._written = false;
      this._transmit(request, true);
    }
  }

  private _transmit(request: Pending, front: boolean): void {
    const onOutcome = (outcome: Outcome) => {
      if (this._pending?.get(request._id) !== request) return;
      if (outcome === 'written') request._written = true;
      else this._fail(request._id, DROPPED[outcome as keyof typeof DROPPED] ?? 'CONNECTION_LOST', `The request was dropped (${outcome})`);
    };
    this._hooks._send(request._text, { front, signal: request._unsent.signal, onOutcome });
  }

  /** Rejects request `id` (if it is still pending) with a `SteadySocketError`. */
  private _fail(id: number, code: SteadySocketErrorCode, message: string, options?: { cause: unknown }): void {
    this._settle(id, new SteadySocketError(code, message, options));
  }

  private _settle(id: number, error: SteadySocketError | undefined, value?: unknown): void {
    const request = this._pending?.get(id);
    if (!request) return;
    this._pending!.delete(id);
    this._pendingBytes -= request._text.length;
    if (request._timer !== undefined) this._hooks.clock.clearTimeout(request._timer);
    request._signal?.removeEventListener('abort', request._onAbort);
    // A request settled (aborted, timed out) before its turn is not written at all.
    if (!request._written) request._unsent.abort();
    if (error) request._reject(error);
    else request._resolve(value);
  }
}

/** Why requests reject after the client's `dispose()`. */
export const DISPOSED = 'The channel client was disposed';

/** How many answered ids are remembered to recognise a second reply (a few KB at most). */
const ANSWERED_KEPT = 256;


function aborted(signal: AbortSignal): SteadySocketError {
  return new SteadySocketError('REQUEST_ABORTED', 'The request was aborted', { cause: signal.reason });
}

/** The error code a request rejects with when its message is dropped from the queue. */
const DROPPED = { overflow: 'QUEUE_OVERFLOW', expired: 'REQUEST_TIMEOUT' } as const;
