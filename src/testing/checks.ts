/**
 * The argument checks of the test kit: the native WebSocket's (with its error names) for
 * the client side, clear `TypeError`s and `RangeError`s for the server side.
 */
import type { ReceivedData, TestSendData } from './types';

/** A `DOMException` where the runtime has one (not React Native), else an Error with that name. */
export function domException(message: string, name: string): Error {
  if (typeof DOMException === 'function') return new DOMException(message, name);
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A WebSocket URL as the native constructor resolves it (`http(s):` read as `ws(s):`), or
 * `undefined` when the native one would refuse it (not ws/wss, a fragment, not a URL).
 */
export function parseWebSocketUrl(url: unknown): URL | undefined {
  const text = typeof url === 'string' ? url : url instanceof URL ? url.href : undefined;
  if (text === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(text.replace(/^http(s?):/i, 'ws$1:'));
  } catch {
    return undefined;
  }
  return (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') && parsed.hash === '' && !text.includes('#') ? parsed : undefined;
}

/** What identifies a server: scheme, host and path (the query may change per attempt: tokens). */
export function endpointOf(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** The native constructor's subprotocol checks: tokens, no duplicates. */
export function checkProtocols(protocols: unknown): string[] {
  const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : protocols;
  if (!Array.isArray(list)) throw domException(`Failed to construct 'WebSocket': subprotocols must be a string or an array of strings`, 'SyntaxError');
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(protocol) || seen.has(protocol)) {
      throw domException(`Failed to construct 'WebSocket': The subprotocol '${String(protocol)}' is invalid or duplicated.`, 'SyntaxError');
    }
    seen.add(protocol);
  }
  return list as string[];
}

/** The native `close(code, reason)` checks: `InvalidAccessError` for a code, `SyntaxError` for a reason. */
export function checkClientClose(code: unknown, reason: unknown): void {
  if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999)))) {
    throw domException(`Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${String(code)} is neither.`, 'InvalidAccessError');
  }
  if (reason !== undefined && utf8Length(String(reason)) > 123) {
    throw domException("Failed to execute 'close' on 'WebSocket': The close reason must not be greater than 123 UTF-8 bytes.", 'SyntaxError');
  }
}

/**
 * The codes a server may send in a close frame (RFC 6455 §7.4): 1000–1003, 1007–1014 and
 * 3000–4999. 1005, 1006 and 1015 are never sent: `drop()` is how a test gets a 1006.
 */
export function checkServerClose(code: unknown, reason: unknown): void {
  const valid = typeof code === 'number' && Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
  if (!valid) throw new RangeError(`TestServer.close: ${String(code)} is not a code a server can send (1000–1003, 1007–1014, 3000–4999; use drop() for 1006)`);
  if (typeof reason !== 'string') throw new TypeError(`TestServer.close: the reason must be a string, got ${typeof reason}`);
  if (utf8Length(reason) > 123) throw new RangeError('TestServer.close: the reason must not be greater than 123 UTF-8 bytes');
}

/** UTF-8 length of a string (a lone surrogate counts 3 bytes, as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Binary data as a copy of its bytes, taken at the call: a buffer changed later changes nothing. */
function copyBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob === 'function' && data instanceof Blob;
}

/** What a client's `send(data)` puts on the wire, and its size; anything else is sent as text, as natively. */
export function clientPayload(data: TestSendData | unknown): { payload: ReceivedData; size: number } {
  if (typeof data === 'string') return { payload: data, size: utf8Length(data) };
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes = copyBytes(data);
    return { payload: bytes, size: bytes.byteLength };
  }
  if (isBlob(data)) return { payload: data, size: data.size };
  const text = String(data);
  return { payload: text, size: utf8Length(text) };
}

/** What `server.send(data)` takes: text or bytes (copied at the call). */
export function serverPayload(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return copyBytes(data);
  throw new TypeError(`TestServer.send: expected a string, ArrayBuffer or ArrayBufferView, got ${data === null ? 'null' : typeof data}`);
}

/** A message as the client's `binaryType` asks for it. */
export function asReceivedBy(payload: string | Uint8Array, binaryType: 'blob' | 'arraybuffer'): string | ArrayBuffer | Blob {
  if (typeof payload === 'string') return payload;
  const buffer = payload.slice().buffer;
  return binaryType === 'blob' && typeof Blob === 'function' ? new Blob([buffer]) : buffer;
}
