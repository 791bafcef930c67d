import { mustBe } from './errors';

/** What `send()` accepts: the native `WebSocket.send` types. */
export type OutboundData = string | ArrayBuffer | ArrayBufferView | Blob;

/**
 * Checks a `send()` argument the way the native WebIDL conversion would, but refuses
 * plain objects: the native socket would send the text "[object Object]", which is
 * never what the caller meant.
 */
export function toOutbound(data: unknown): OutboundData {
  const type = typeof data;
  if (type === 'string' || isBinary(data) || isBlob(data)) return data as OutboundData;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return String(data);
  throw new TypeError(mustBe('send() data', 'a string, ArrayBuffer, ArrayBufferView or Blob', data));
}

/** The bytes a message takes on the wire: UTF-8 for text, byte length for binary. */
export function byteLength(data: OutboundData): number {
  if (typeof data === 'string') return utf8Length(data);
  if (isBlob(data)) return data.size;
  return data.byteLength;
}

/** Made on first use; `null` where the runtime has no `TextEncoder.encodeInto`. */
let encoder: { encodeInto(text: string, into: Uint8Array): { read: number; written: number } } | null | undefined;
let scratch: Uint8Array | undefined;

/**
 * UTF-8 length of a JavaScript string. A lone surrogate counts 3 bytes: the socket sends it as
 * U+FFFD, as the WebIDL USVString conversion requires. Long strings are measured by the
 * runtime's own encoder into a small scratch buffer (about 50× faster than a loop in script
 * for 16 KiB; it runs for every message of a session).
 */
export function utf8Length(text: string): number {
  if (text.length > 64) {
    const native = (encoder ??= typeof TextEncoder === 'function' && 'encodeInto' in TextEncoder.prototype ? new TextEncoder() : null);
    if (native) {
      const into = (scratch ??= new Uint8Array(16_384));
      let bytes = 0;
      // encodeInto never splits a code point: `read` stops before one that does not fit.
      for (let from = 0; from < text.length; ) {
        const { read, written } = native.encodeInto(from === 0 ? text : text.slice(from), into);
        bytes += written;
        from += read;
      }
      return bytes;
    }
  }
  return countUtf8(text);
}

function countUtf8(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Past U+007F one more byte, past U+07FF two: a surrogate pair (two units) takes 4 bytes,
    // so its low half adds nothing; a lone surrogate takes 3 (U+FFFD).
    if (c > 0x7f) bytes += c < 0x800 ? 1 : 2;
    // charCodeAt past the end is NaN, and NaN & 0xfc00 is 0.
    if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return bytes;
}

/**
 * The bytes of `data` as they are now, for a message that must wait in the queue: the native
 * `send()` takes its bytes at the call, so a buffer the caller changes afterwards must not
 * change what goes out. A view becomes a `Uint8Array` of its bytes (the wire carries bytes
 * only); text and Blobs, which cannot change, are kept as they are.
 */
export function snapshot(data: OutboundData): OutboundData {
  if (typeof data === 'string' || isBlob(data)) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return data.slice(0);
}

// Not SharedArrayBuffer, nor views on one: the native send() takes a BufferSource without
// [AllowShared] and throws on them.
function isBinary(data: unknown): boolean {
  return data instanceof ArrayBuffer || (ArrayBuffer.isView(data) && !(typeof SharedArrayBuffer === 'function' && data.buffer instanceof SharedArrayBuffer));
}

export function isBlob(data: unknown): data is Blob {
  return typeof Blob === 'function' && data instanceof Blob;
}
