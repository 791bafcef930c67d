import { SteadySocketError } from './errors';
import type { SteadyCloseInfo } from './events';
import { createNative, resolveEndpoint, urlText, type NativeSocket, type WebSocketConstructor } from './native';
import type { ProtocolsProvider, UrlProvider } from './options';

/** What one native socket did, reported to the socket that dialed it. */
export interface DialerEvents {
  /** A native socket was just constructed: configure it (binaryType). */
  created(ws: NativeSocket): void;
  open(ws: NativeSocket): void;
  message(data: unknown): void;
  error(event: unknown): void;
  close(info: SteadyCloseInfo): void;
  /** The attempt failed before a native socket could report anything. */
  failed(error: SteadySocketError): void;
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
  ws: NativeSocket | null = null;
  /** The URL of the current or last attempt. */
  url = '';
  private generation = 0;
  private unlisten: () => void = noop;

  constructor(
    private readonly Native: WebSocketConstructor,
    private readonly endpoint: { url: UrlProvider; protocols: ProtocolsProvider | undefined },
    private readonly connectOptions: object | undefined,
    private readonly events: DialerEvents,
  ) {
    if (typeof endpoint.url !== 'function') this.url = urlText(endpoint.url);
  }

  /**
   * Starts an attempt. With static URL and protocols the native socket is created at once,
   * and with `rethrow` a constructor error (an invalid URL) is thrown, as the native one does.
   */
  dial(rethrow: boolean): void {
    this.hangUp(true);
    const generation = this.generation;
    const { url, protocols } = this.endpoint;
    if (typeof url !== 'function' && typeof protocols !== 'function') {
      try {
        this.create(this.url, protocols);
      } catch (cause) {
        if (rethrow) throw cause;
        this.events.failed(new SteadySocketError('CONNECT_FAILED', describe(cause), { cause }));
      }
      return;
    }
    resolveEndpoint(url, protocols).then(
      ([resolvedUrl, resolvedProtocols]) => {
        if (generation !== this.generation) return;
        try {
          this.url = resolvedUrl;
          this.create(resolvedUrl, resolvedProtocols);
        } catch (cause) {
          this.events.failed(new SteadySocketError('CONNECT_FAILED', describe(cause), { cause }));
        }
      },
      (cause: unknown) => {
        if (generation !== this.generation) return;
        this.events.failed(new SteadySocketError('URL_PROVIDER_FAILED', `URL provider failed: ${describe(cause)}`, { cause }));
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
  hangUp(abort: boolean | 'dead', code?: number, reason?: string): NativeSocket | null {
    this.generation++;
    const ws = this.ws;
    if (!ws) return null;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    this.unlisten();
    this.unlisten = noop;
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

  private create(url: string, protocols: string | string[] | undefined): void {
    const ws = createNative(this.Native, url, protocols, this.connectOptions);
    const events = this.events;
    // Each handler checks that its socket is still ours: a late event of one we let go of is ignored.
    ws.onopen = () => this.ws === ws && events.open(ws);
    const emitter = nodeEmitter(ws);
    if (emitter) {
      // The `ws` package: its own 'message' event skips the MessageEvent it would build for
      // `onmessage` on every message; text arrives as a Buffer, as `onmessage` would decode it.
      const onMessage = (data: unknown, isBinary: boolean) =>
        this.ws === ws && events.message(isBinary ? data : (data as Uint8Array).toString());
      emitter.on('message', onMessage);
      this.unlisten = () => emitter.removeListener('message', onMessage);
    } else {
      ws.onmessage = (event) => this.ws === ws && events.message(event.data);
    }
    ws.onerror = (event) => this.ws === ws && events.error(event);
    ws.onclose = (event) =>
      this.ws === ws && events.close(closeInfo(event));
    this.ws = ws;
    events.created(ws);
  }
}

/** React Native's close event has no `wasClean`: only 1006 (no close frame) is unclean then. */
function closeInfo(event: { code?: number; reason?: string; wasClean?: boolean }): SteadyCloseInfo {
  const code = event.code ?? 1006;
  return { code, reason: event.reason ?? '', wasClean: event.wasClean ?? code !== 1006 };
}

/** The `ws` package's WebSocket is a Node EventEmitter with (data, isBinary) message events. */
function nodeEmitter(ws: NativeSocket): { on: Listen; removeListener: Listen } | undefined {
  const candidate = ws as unknown as { on?: unknown; removeListener?: unknown; binaryType?: unknown };
  return typeof candidate.on === 'function' && typeof candidate.removeListener === 'function' && candidate.binaryType === 'nodebuffer'
    ? (candidate as { on: Listen; removeListener: Listen })
    : undefined;
}

type Listen = (event: 'message', listener: (data: unknown, isBinary: boolean) => void) => unknown;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
