import { mustBe, SteadySocketError, type SteadySocketErrorCode } from './errors';
import { describeSafely, safeCause } from './redact';
import type { SteadyCloseInfo } from './events';
import { resolveUrl, urlText, type NativeSocket, type WebSocketConstructor } from './native';
import type { ProtocolsProvider, SteadySocketOptions, UrlProvider } from './options';

/** What one native socket did, reported to the socket that dialed it. */
export interface DialerEvents {
  /** A native socket was just constructed: configure it (binaryType). */
  _nativeCreated(ws: NativeSocket): void;
  _nativeOpen(ws: NativeSocket): void;
  _nativeMessage(data: unknown): void;
  _nativeError(event: unknown): void;
  _nativeClose(info: SteadyCloseInfo): void;
  /** The attempt failed before a native socket could report anything. */
  _attemptFailed(error: SteadySocketError): void;
}

/**
 * On the native socket: the dialer that holds it now. The handler below is shared by every
 * socket (no closure per connection: an idle client should cost little), finds its dialer
 * through `this` (a property, not a WeakMap key: mock-socket hands listeners a Proxy of the
 * socket), and a late event of a native socket we let go of finds none.
 */
const OWNER = Symbol();
type Owned = NativeSocket & { [OWNER]?: Dialer | undefined };

/** What a native event may carry (every field optional: a hand-made WebSocket may pass less, or nothing). */
type NativeEvent = { data?: unknown; code?: number; reason?: string; wasClean?: boolean } | undefined;

/**
 * The handler of one kind of native event (`onopen`, `onmessage`, `onerror`, `onclose`), made
 * once per kind and shared by every socket. Told apart by the property it was set on, not by
 * the event's `type`: a WebSocket made by hand (a test's fake, an adapter) may call
 * `onmessage({ data })` with no `type`, or `onopen()` with nothing. The message handler also
 * serves the `ws` package's own 'message' event, (data, isBinary): no MessageEvent built per
 * message, and text arrives as a Buffer.
 */
const handler = (kind: 'open' | 'message' | 'error' | 'close') =>
  function (this: Owned, event: NativeEvent, isBinary?: boolean): void {
    const events = this[OWNER]?._events;
    if (!events) return;
    if (kind === 'open') events._nativeOpen(this);
    else if (kind === 'message') events._nativeMessage(isBinary === undefined ? event?.data : isBinary ? event : String(event));
    else if (kind === 'error') events._nativeError(event);
    else {
      // React Native's close event has no `wasClean`: only 1006 (no close frame) is unclean then.
      const code = event?.code ?? 1006;
      events._nativeClose({ code, reason: event?.reason ?? '', wasClean: event?.wasClean ?? code !== 1006 });
    }
  };
const onOpen = handler('open');
const onMessage = handler('message');
const onError = handler('error');
const onClose = handler('close');
const noop = () => {};
/** The `ws` package's inbound limit, unless the caller set one (see the constructor). */
const WS_LIMITS = Object.freeze({ maxPayload: 16 << 20 });

type Native = NativeSocket & {
  /** The `ws` package's: a Node EventEmitter with (data, isBinary) message events, and a close without a handshake. */
  on?(event: 'message', listener: typeof onMessage): void;
  removeListener?(event: 'message', listener: typeof onMessage): void;
  terminate?(): void;
};

/**
 * Makes one connection at a time: calls the URL and protocols providers, constructs the
 * native socket and attaches its handler — and detaches it again. Knows nothing of
 * retrying. Events of a socket it has let go of, or of a provider call it no longer
 * waits for, never reach `events`.
 */
export class Dialer {
  /** The native socket of the current attempt or connection. */
  _ws: Native | null = null;
  /** The URL of the current or last attempt. */
  _url = '';
  private _generation = 0;
  private readonly _native: new (...args: unknown[]) => Native;
  /** Third argument of the native constructor, when there is one. */
  private readonly _connectOptions: object | undefined;

  constructor(
    given: SteadySocketOptions,
    private readonly _endpoint: UrlProvider,
    private readonly _protocols: ProtocolsProvider | undefined,
    readonly _events: DialerEvents,
    /** With `resume`: adds the session protocol's names to the subprotocols asked for. */
    private readonly _session: { _offer(protocols: string | string[] | undefined): string | string[] | undefined } | null,
  ) {
    // Looked up at construction, never at import, so server-side rendering can import us.
    const Native = given.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (typeof Native !== 'function') {
      throw new TypeError(mustBe('options.WebSocket', "a WebSocket class where none is global (in Node: import WebSocket from 'ws')", Native));
    }
    this._native = Native as never;
    let options = given.connectOptions;
    // The `ws` package (the runtime whose sockets have terminate(); nothing else takes
    // maxPayload) lets one inbound message have 100 MiB unless told otherwise, which a hostile
    // server could make every client hold (and twice that once decoded): 16 MiB here, unless
    // the caller set one. A larger message closes the connection (`ws` reports "Max payload
    // size exceeded" as an error; the socket reconnects with backoff).
    // Without connectOptions every socket shares one object (`ws` copies what it is given).
    if (typeof (Native as { prototype?: Native }).prototype?.terminate === 'function' && !('maxPayload' in Object(options))) {
      options = options ? { ...options, ...WS_LIMITS } : WS_LIMITS;
    }
    this._connectOptions = options;
    // As the native constructor: a static URL that cannot be a WebSocket URL throws at once.
    if (typeof _endpoint !== 'function') this._url = resolveUrl(urlText(_endpoint));
  }

  /**
   * Starts an attempt (the caller has hung up the last one). With static URL and protocols
   * the native socket is created at once; providers are called at once, and their results
   * (or failures, even thrown ones) taken a microtask later.
   */
  _dial(): void {
    const generation = this._generation;
    const { _endpoint: url, _protocols: protocols } = this;
    // The one way an attempt fails before its native socket can report anything.
    const fail = (code: SteadySocketErrorCode, prefix = '') => (cause: unknown) => {
      if (generation === this._generation) this._events._attemptFailed(new SteadySocketError(code, prefix + describeSafely(cause), { cause: safeCause(cause) }));
    };
    const create = (protocols: string | string[] | undefined, text?: string) => {
      let ws: Native;
      try {
        if (text !== undefined) this._url = resolveUrl(text);
        // (`_offer` returns undefined only for undefined protocols.)
        const offered = this._session?._offer(protocols) ?? protocols;
        const options = this._connectOptions;
        // Only the arguments there are: a runtime may read an `undefined` protocols as a name.
        ws = new this._native(this._url, ...(options ? [offered, options] : offered === undefined ? [] : [offered]));
      } catch (cause) {
        fail('CONNECT_FAILED')(cause);
        return;
      }
      (ws as Owned)[OWNER] = this;
      ws.onopen = onOpen;
      ws.onerror = onError;
      ws.onclose = onClose;
      // `ws` (whose binaryType only it calls 'nodebuffer'): its own message event.
      if (ws.binaryType === 'nodebuffer' && ws.on) ws.on('message', onMessage);
      else ws.onmessage = onMessage;
      this._ws = ws;
      this._events._nativeCreated(ws);
    };
    if (typeof url !== 'function' && typeof protocols !== 'function') create(protocols);
    else
      (async () => {
        // Both providers are called, in this order, before either result is judged.
        const given = typeof url === 'function' ? await url() : url;
        const chosen = typeof protocols === 'function' ? await protocols() : protocols;
        return [urlText(given), chosen] as const;
      })().then(
        ([text, protocols]) => generation === this._generation && create(protocols, text),
        fail('URL_PROVIDER_FAILED', 'URL provider failed: '),
      );
  }

  /**
   * Lets go of the native socket (and of a provider call under way); `abort` also closes
   * the socket if it may still be live, and `'dead'` closes it without a closing handshake
   * where the runtime can (the `ws` package's `terminate()`): a peer judged dead will not
   * answer one, and `ws` would otherwise hold the connection for its 30 s close timeout.
   * Returns the socket it let go of.
   */
  _hangUp(abort: boolean | 'dead', code?: number, reason?: string): NativeSocket | null {
    this._generation++;
    const ws = this._ws;
    if (!ws) return null;
    this._ws = null;
    (ws as Owned)[OWNER] = undefined;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // `ws`'s emitter (its binaryType may have changed since, so not judged by that).
    ws.removeListener?.('message', onMessage);
    // Not null: the `ws` package throws on an 'error' event nobody listens to.
    ws.onerror = noop;
    if (abort && ws.readyState < 2) {
      try {
        if (abort === 'dead' && typeof ws.terminate === 'function') ws.terminate();
        else ws.close(code, reason);
      } catch {
        // It is being discarded; a refusal to close changes nothing for us.
      }
    }
    return ws;
  }
}
