import { SteadySocketError } from './errors';
import { describeSafely, safeCause } from './redact';
import type { SteadyCloseInfo } from './events';
import { createNative, resolveEndpoint, resolveUrl, urlText, type NativeSocket, type WebSocketConstructor } from './native';
import type { ProtocolsProvider, UrlProvider } from './options';

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
 * On the native socket: the dialer that holds it now. The handlers below are shared by
 * every socket (no closure per connection: an idle client should cost little), find their
 * dialer through `this` (a property, not a WeakMap key: mock-socket hands listeners a Proxy
 * of the socket), and a late event of a native socket we let go of finds none.
 */
const OWNER = Symbol('steadysocket.dialer');
type Owned = NativeSocket & { [OWNER]?: Dialer | undefined };
const ownerOf = (ws: Owned) => ws[OWNER]?._events;

function onOpen(this: Owned): void {
  ownerOf(this)?._nativeOpen(this);
}
function onMessage(this: Owned, event: { data: unknown }): void {
  ownerOf(this)?._nativeMessage(event.data);
}
/** The `ws` package's own 'message' event: no MessageEvent built per message; text arrives as a Buffer. */
function onNodeMessage(this: Owned, data: unknown, isBinary: boolean): void {
  ownerOf(this)?._nativeMessage(isBinary ? data : String(data));
}
function onError(this: Owned, event: unknown): void {
  ownerOf(this)?._nativeError(event);
}
function onClose(this: Owned, event: { code?: number; reason?: string; wasClean?: boolean }): void {
  // React Native's close event has no `wasClean`: only 1006 (no close frame) is unclean then.
  const code = event.code ?? 1006;
  ownerOf(this)?._nativeClose({ code, reason: event.reason ?? '', wasClean: event.wasClean ?? code !== 1006 });
}
const noop = () => {};

/**
 * Makes one connection at a time: calls the URL and protocols providers, constructs the
 * native socket and attaches its handlers — and detaches them again. Knows nothing of
 * retrying. Events of a socket it has let go of, or of a provider call it no longer
 * waits for, never reach `events`.
 */
export class Dialer {
  /** The native socket of the current attempt or connection. */
  _ws: NativeSocket | null = null;
  /** The URL of the current or last attempt. */
  _url = '';
  private _generation = 0;

  constructor(
    private readonly _native: WebSocketConstructor,
    private readonly _endpoint: UrlProvider,
    private readonly _protocols: ProtocolsProvider | undefined,
    private readonly _connectOptions: object | undefined,
    readonly _events: DialerEvents,
    /** With `resume`: adds the session protocol's names to the subprotocols asked for. */
    private readonly _session: { _offer(protocols: string | string[] | undefined): string | string[] | undefined } | null = null,
  ) {
    // As the native constructor: a static URL that cannot be a WebSocket URL throws at once.
    if (typeof _endpoint !== 'function') this._url = resolveUrl(urlText(_endpoint));
  }

  /** Starts an attempt. With static URL and protocols the native socket is created at once. */
  _dial(): void {
    this._hangUp(true);
    const generation = this._generation;
    const { _endpoint: url, _protocols: protocols } = this;
    if (typeof url !== 'function' && typeof protocols !== 'function') {
      this._create(protocols);
      return;
    }
    resolveEndpoint(url, protocols).then(
      ([resolvedUrl, resolvedProtocols]) => {
        if (generation !== this._generation) return;
        try {
          this._url = resolveUrl(resolvedUrl);
        } catch (cause) {
          this._events._attemptFailed(new SteadySocketError('CONNECT_FAILED', describeSafely(cause), { cause: safeCause(cause) }));
          return;
        }
        this._create(resolvedProtocols);
      },
      (cause: unknown) => {
        if (generation !== this._generation) return;
        this._events._attemptFailed(new SteadySocketError('URL_PROVIDER_FAILED', `URL provider failed: ${describeSafely(cause)}`, { cause: safeCause(cause) }));
      },
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
    // `ws`'s emitter (its binaryType may have changed since, so not judged by nodeEmitter()).
    (ws as { removeListener?: Listen }).removeListener?.('message', onNodeMessage);
    // Not null: the `ws` package throws on an 'error' event nobody listens to.
    ws.onerror = noop;
    if (abort && ws.readyState < 2) {
      try {
        const terminate = (ws as { terminate?: unknown }).terminate;
        if (abort === 'dead' && typeof terminate === 'function') terminate.call(ws);
        else ws.close(code, reason);
      } catch {
        // It is being discarded; a refusal to close changes nothing for us.
      }
    }
    return ws;
  }

  private _create(protocols: string | string[] | undefined): void {
    let ws: NativeSocket;
    try {
      ws = createNative(this._native, this._url, this._session ? this._session._offer(protocols) : protocols, this._connectOptions);
    } catch (cause) {
      this._events._attemptFailed(new SteadySocketError('CONNECT_FAILED', describeSafely(cause), { cause: safeCause(cause) }));
      return;
    }
    (ws as Owned)[OWNER] = this;
    ws.onopen = onOpen;
    const emitter = nodeEmitter(ws);
    if (emitter) emitter.on('message', onNodeMessage);
    else ws.onmessage = onMessage;
    ws.onerror = onError;
    ws.onclose = onClose;
    this._ws = ws;
    this._events._nativeCreated(ws);
  }
}

type Listen = (event: 'message', listener: typeof onNodeMessage) => unknown;

/** The `ws` package's WebSocket is a Node EventEmitter with (data, isBinary) message events. */
function nodeEmitter(ws: NativeSocket): { on: Listen; removeListener: Listen } | undefined {
  const candidate = ws as unknown as { on?: unknown; removeListener?: unknown; binaryType?: unknown };
  return typeof candidate.on === 'function' && typeof candidate.removeListener === 'function' && candidate.binaryType === 'nodebuffer'
    ? (candidate as { on: Listen; removeListener: Listen })
    : undefined;
}
