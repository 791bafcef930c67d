import { mustBe } from './errors';
import { redactUrls } from './redact';
import { domException } from './validation';

/** A URL, or a function called before every attempt that returns one (e.g. with a fresh token). */
export type UrlProvider = string | URL | (() => string | URL | Promise<string | URL>);

/** Subprotocols, or a function called before every attempt that returns them. */
export type ProtocolsProvider =
  | string
  | string[]
  | (() => string | string[] | undefined | Promise<string | string[] | undefined>);

/** The part of a WebSocket instance steadysocket relies on (browser, React Native and `ws` all fit). */
export interface WebSocketLike {
  /** The native 0–3 ready state. */
  readonly readyState: number;
  /** The native send; typed `never` so any runtime's signature fits. */
  send(data: never): void;
  /** The native close. */
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket`, `ws`, React Native's. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** What steadysocket reads and sets on the native socket. */
export interface NativeSocket {
  readonly readyState: number;
  readonly bufferedAmount?: number;
  readonly protocol?: string;
  readonly extensions?: string;
  binaryType?: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}

/** Looked up at construction, never at import, so server-side rendering can import us. */
export function findWebSocket(option: WebSocketConstructor | undefined): WebSocketConstructor {
  const found = option ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof found !== 'function') {
    throw new TypeError(mustBe('options.WebSocket', "a WebSocket class where there is no global one (in Node: `import WebSocket from 'ws'`)", found));
  }
  return found;
}

/**
 * The most bytes one inbound message may have on the `ws` package where the caller set no
 * `maxPayload`: `ws`'s own default is 100 MiB, which a hostile server could make every
 * client hold (and twice that once decoded). A larger message closes the connection (`ws`
 * reports "Max payload size exceeded" as an error; the socket reconnects with backoff).
 * Browsers and React Native have no such knob.
 */
export const WS_MAX_PAYLOAD = 16 * 1024 * 1024;
const WS_DEFAULTS = Object.freeze({ maxPayload: WS_MAX_PAYLOAD });

/** `connectOptions` with our `maxPayload` default where the constructor is the `ws` package's. */
export function connectOptionsFor(Ctor: WebSocketConstructor, given: object | undefined): object | undefined {
  // `ws` is the runtime whose sockets have terminate(); nothing else takes maxPayload.
  const isWs = typeof (Ctor as { prototype?: { terminate?: unknown } }).prototype?.terminate === 'function';
  if (!isWs || (given !== undefined && 'maxPayload' in given)) return given;
  return given === undefined ? WS_DEFAULTS : { ...given, maxPayload: WS_MAX_PAYLOAD };
}

/** Creates the native socket, passing `connectOptions` only where it was given. */
export function createNative(
  Ctor: WebSocketConstructor,
  url: string,
  protocols: string | string[] | undefined,
  connectOptions: object | undefined,
): NativeSocket {
  const Native = Ctor as unknown as new (...args: unknown[]) => NativeSocket;
  if (connectOptions !== undefined) return new Native(url, protocols, connectOptions);
  return protocols === undefined ? new Native(url) : new Native(url, protocols);
}

/** Calls the providers (either may be async or throw) and checks what they return. */
export async function resolveEndpoint(
  url: UrlProvider,
  protocols: ProtocolsProvider | undefined,
): Promise<[string, string | string[] | undefined]> {
  const u = typeof url === 'function' ? await url() : url;
  const p = typeof protocols === 'function' ? await protocols() : protocols;
  return [urlText(u), p];
}

/**
 * The URL as the native constructor reads it: relative to the document's base where there
 * is one, `http(s):` as `ws(s):` (browsers do both since 2023). Not a ws/wss URL, or one
 * with a fragment: a `SyntaxError`, as natively. React Native's `URL` throws on most uses:
 * there the text is only checked.
 */
export function resolveUrl(text: string): string {
  let url = text;
  try {
    // The document is consulted only for a relative URL (server rendering has none to touch).
    const base = /^[a-z][\w+.-]*:/i.test(text) ? undefined : (globalThis as { document?: { baseURI?: string } }).document?.baseURI;
    url = new URL(text, base).href;
  } catch {
    // Relative with no base, or no working URL class: judged below as it is.
  }
  url = url.replace(/^http(s?):/i, 'ws$1:');
  if (!/^wss?:\/\/[^#]+$/i.test(url)) throw domException(mustBe('url', 'a ws:, wss:, http: or https: URL without a fragment', redactUrls(text)), 'SyntaxError');
  return url;
}

/** A URL as text: strings as they are, URL objects by `href`. */
export function urlText(url: unknown): string {
  const text = typeof url === 'object' && url ? (url as { href?: unknown }).href : url;
  if (typeof text === 'string') return text;
  throw new TypeError(mustBe('url', 'a string or URL, or a function returning one', url));
}
