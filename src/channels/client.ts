/**
 * The channel client: a layer on one SteadySocket, through its public surface only — its
 * `send` and its `message`, `close` and `state` events.
 */
import {
  Emitter,
  SteadySocketError,
  type StateEvent,
  type SteadyCloseEvent,
  type SteadyMessageEvent,
  type SteadySocket,
} from '../socket/index';
import { Channel, type ChannelMap, type ChannelSpec, type Received, type Replied, type RequestName, type SpecPart } from './channel';
import type { Envelope } from './codec';
import type { ClientHooks, InvalidReason } from './invalid';
import { messageOf } from './message-of';
import { hasFunctions, resolveChannelsOptions, type ChannelsOptions } from './options';
import { DISPOSED, idsOf, Requests, type RequestOptions } from './requests';
import type { ValidationIssue, Validator } from './schema';

/**
 * The channel client that emitted an event, as its `target`: the part of it that does not
 * depend on its `Api` type, so that one listener type fits the clients of every API.
 */
export interface ChannelClientTarget {
  /** The socket the client sends through and listens to. */
  readonly socket: SteadySocket;
  /** Detaches the client from its socket. */
  dispose(): void;
}

/** An inbound message did not reach a typed listener (the socket's raw `message` listeners still saw it). */
export interface InvalidEvent {
  /** Always `'invalid'`. */
  readonly type: 'invalid';
  /** The channel client that turned the message away. */
  readonly target: ChannelClientTarget;
  /** What was wrong with it. */
  readonly reason: InvalidReason;
  /** The channel the message named, if it named one. */
  readonly channel: string | undefined;
  /** The raw text (too large, undecodable) or the decoded payload. */
  readonly data: unknown;
  /** The validator's issues, or one issue describing the problem. */
  readonly issues: readonly ValidationIssue[];
  /** The same, as an error with code `INVALID_MESSAGE`. */
  readonly error: SteadySocketError;
}

/** Events of a channel client, for `on`, `once` and `off`. */
export interface ChannelClientEvents {
  /** An inbound message was turned away from typed listeners. */
  invalid: (event: InvalidEvent) => void;
}

/**
 * Typed channels and requests over one SteadySocket; made by {@link channels}. Decodes each
 * text message once (through the codec), hands it to its channel — looked up in a Map, so
 * no name reaches an object's prototype — or settles the request it replies to. Nothing
 * here throws out of a socket listener because of what arrived.
 */
export class ChannelClient<Api extends { [K in keyof Api]: ChannelSpec } = ChannelMap> extends Emitter<ChannelClientEvents> {
  /** The socket this client sends through and listens to. */
  readonly socket: SteadySocket;
  /** What its channels and requests use of it: one object for all of them. */
  private readonly _hooks: ClientHooks;
  private readonly _requests: Requests;
  // Created on first use: a client may only make requests.
  private _channels: Map<string, Channel> | undefined;
  /** Warned once on the console about an invalid message nobody listens for. */
  private _warned = false;

  /** @internal Use {@link channels}. */
  constructor(socket: SteadySocket, options?: ChannelsOptions) {
    super();
    hasFunctions('the first argument', socket, ['send', 'on', 'off'], 'be a SteadySocket');
    this.socket = socket;
    this._hooks = {
      ...resolveChannelsOptions(options),
      // The one way out: channel messages and requests, through the socket's queue.
      _send: (text, sendOptions) => !this._hooks._disposed && socket.send(text, sendOptions),
      _invalid: (...report) => this._invalid(...report),
      // Closed for good already (a startClosed socket, CLOSED until its reconnect(), is not).
      _ended: socket.ended,
      _disposed: false,
    };
    this._requests = new Requests(idsOf(socket), this._hooks);
    this._listen('on');
  }

  /**
   * The channel `name`: typed `send`, `on('message')` and `for await`. The same name gives
   * the same object; `validate` (a Standard Schema or a type guard) checks what arrives.
   */
  channel<K extends keyof Api & string>(
    name: K,
    options?: {
      /** Checks what arrives (a Standard Schema or a type guard); failures go to the client's `invalid` event. */
      validate?: Validator<Received<Api[K]>>;
    },
  ): Channel<Api[K]> {
    const channels = (this._channels ??= new Map());
    let channel = channels.get(name);
    if (!channel) {
      channels.set(name, (channel = new Channel(name, this._hooks)));
    }
    if (options?.validate) channel.validator = options.validate as Validator<unknown>;
    return channel as unknown as Channel<Api[K]>;
  }

  /**
   * Sends a request on channel `name` and resolves with the reply's data. Rejects with
   * `REQUEST_TIMEOUT`, `REQUEST_ABORTED`, `REQUEST_FAILED` (an error reply),
   * `INVALID_MESSAGE`, `QUEUE_OVERFLOW`, or `CONNECTION_LOST` (unless `idempotent`; and
   * always at the final close or when the client is disposed).
   */
  request<K extends RequestName<Api>>(
    name: K,
    data: SpecPart<Api[K], 'request'>,
    options?: RequestOptions<Replied<Api[K]>>,
  ): Promise<Replied<Api[K]>> {
    return this._requests._request(name, data, options as RequestOptions) as Promise<Replied<Api[K]>>;
  }

  /**
   * Detaches the client from its socket: its listeners are removed, pending requests reject
   * with `CONNECTION_LOST`, channel iterations end, and channel sends return `false`. The
   * socket itself is left as it is. Calling it again does nothing.
   */
  dispose(): void {
    const hooks = this._hooks;
    if (hooks._disposed) return;
    hooks._disposed = true;
    this._listen('off');
    this._end(DISPOSED);
  }

  // ---- the socket's events ----

  /**
   * The one listener of the socket's `message`, `close` and `state` events: a prototype
   * method, added with this client as its context (and so removable by it), rather than
   * three functions made per client.
   */
  private _onEvent(event: SteadyMessageEvent | SteadyCloseEvent | StateEvent): void {
    // dispose() may come from another listener of the same socket event.
    const hooks = this._hooks;
    if (hooks._disposed) return;
    if (event.type === 'message') {
      // Nothing to route to: nothing is parsed or reported.
      if (this._channels?.size || this._requests._listening()) this._route(event.data);
    } else if (event.type === 'close') {
      // A reconnect follows, or (the final close) none does.
      if (event.willReconnect) this._requests._lost();
      else this._end('The socket was closed');
    } else if (event.previous === 'closed') {
      // `reconnect()` revived a socket that gave up: its channels read the flag, iterations started now run.
      hooks._ended = false;
    }
  }

  /** Adds or removes the client's socket listener. */
  private _listen(how: 'on' | 'off'): void {
    for (const type of ['message', 'close', 'state'] as const) this.socket[how](type, this._onEvent, this);
  }

  /**
   * The socket closed for good, or the client was disposed: every request rejects with
   * `CONNECTION_LOST` and `message`, every iteration ends (after what it buffered).
   */
  private _end(message: string): void {
    this._hooks._ended = true;
    this._requests._lost(message);
    for (const channel of this._channels?.values() ?? []) channel._end();
  }

  // ---- inbound ----

  private _route(data: SteadyMessageEvent['data']): void {
    // Channels speak text; binary messages are left to raw `message` listeners.
    if (typeof data !== 'string') return;
    const { maxMessageSize, codec } = this._hooks;
    if (data.length > maxMessageSize) return this._invalid('too-large', data, `longer than maxMessageSize (${maxMessageSize})`);
    // A custom codec may return anything, with getters that throw: read it once, guarded.
    let name: unknown;
    let id: unknown;
    let payload: unknown;
    let failure: { error: unknown } | undefined;
    try {
      const envelope: Envelope | undefined = codec.decode(data);
      if (envelope === undefined) return;
      if (typeof envelope !== 'object' || envelope === null) throw new TypeError('the codec returned no envelope');
      ({ channel: name, id, data: payload } = envelope);
      // Only a reply can be an error reply; channel messages skip the check.
      if (name === undefined && 'error' in envelope) failure = { error: envelope.error };
    } catch (error) {
      return this._invalid('undecodable', data, messageOf(error));
    }
    if (name === undefined && typeof id === 'number') {
      this._requests._reply(id, payload, failure);
    } else if (typeof name !== 'string') this._invalid('shape', payload, 'neither a channel message nor a reply');
    else {
      const channel = this._channels?.get(name);
      if (channel) channel._accept(payload, data.length);
      else this._invalid('unknown-channel', payload, `no channel "${name}"`, name);
    }
  }

  // ---- plumbing ----

  private _invalid(reason: InvalidReason, data: unknown, given: readonly ValidationIssue[] | string, channel?: string): void {
    if (this._hooks._disposed) return;
    const issues = typeof given === 'string' ? [{ message: given }] : given;
    // The text says what was wrong, never the message itself (it may be large, or hostile).
    const text = `Invalid message (${reason}${channel === undefined ? '' : ` on "${channel}"`}): ${issues[0]?.message ?? ''}`;
    const { logger } = this._hooks;
    const heard = this.listenerCount('invalid') > 0;
    if (logger) logger.warn?.(`steadysocket/channels: ${text}`);
    else if (!heard && !this._warned) {
      this._warned = true;
      globalThis.console?.warn(`steadysocket/channels: ${text}. Nothing listens to 'invalid' events (said once per client).`);
    }
    // A flood of bad messages builds no event object for nobody.
    if (heard) this.emit('invalid', { type: 'invalid', target: this, reason, channel, data, issues, error: new SteadySocketError('INVALID_MESSAGE', text) });
  }
}

/**
 * Typed channels and requests over `socket`: a layer that uses the socket's public surface
 * only. Several clients may share one socket; each decodes every message for itself and
 * reports in its own `invalid` event what it cannot place (a channel it was not asked for
 * is `unknown-channel` for it, even if another client knows it). Request ids are unique per
 * socket, so clients never answer each other's requests.
 *
 * @example
 * const api = channels<Api>(socket, { requestTimeout: 5_000 });
 * api.channel('chat').on('message', (m) => console.log(m.text));
 * const { now } = await api.request('time', { zone: 'UTC' });
 */
export function channels<Api extends { [K in keyof Api]: ChannelSpec } = ChannelMap>(socket: SteadySocket, options?: ChannelsOptions): ChannelClient<Api> {
  return new ChannelClient<Api>(socket, options);
}

