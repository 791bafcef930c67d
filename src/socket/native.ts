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
  // Set by the dialer only, to its own handler (which knows what its events carry).
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}

/**
 * The URL as the native constructor reads it: relative to the document's base where there
 * is one, `http(s):` as `ws(s):` (browsers do both since 2023). Not a ws/wss URL, or one
 * with a fragment: a `SyntaxError`, as natively. React Native's `URL` throws on most uses:
 * there the text is only checked.
 */
export const resolveUrl = (text: string): string => {
  let url = text;
  try {
    // The document is consulted only for a relative URL (server rendering has none to touch).
    url = new URL(text, /^[a-z][\w+.-]*:/i.test(text) ? undefined : (globalThis as { document?: { baseURI?: string } }).document?.baseURI).href;
  } catch {
    // Relative with no base, or no working URL class: judged below as it is.
  }
  url = url.replace(/^http(s?):/i, 'ws$1:');
  if (!/^wss?:\/\/[^#]+$/i.test(url)) throw domException(mustBe('url', 'a ws(s): or http(s): URL without a fragment', redactUrls(text)), 'SyntaxError');
  return url;
}

/** A URL as text: strings as they are, URL objects by `href`. */
export const urlText = (url: unknown): string => {
  // (A string has no `href`.)
  const text = (url as { href?: unknown } | undefined)?.href ?? url;
  if (typeof text === 'string') return text;
  throw new TypeError(mustBe('url', 'a string or URL, or a function returning one', url));
}
