import { mustBe } from './errors';

/** What `send()` accepts: the native `WebSocket.send` types. */
export type OutboundData = string | ArrayBuffer | ArrayBufferView | Blob;

/**
 * Checks a `send()` argument the way the native WebIDL conversion would, but refuses
 * plain objects: the native socket would send the text "[object Object]", which is
 * never what the caller meant.
 */
export const toOutbound = (data: unknown): OutboundData => {
  const type = typeof data;
  if (
    type === 'string' ||
    data instanceof ArrayBuffer ||
    // Not views on a SharedArrayBuffer (nor one itself): the native send() takes a
    // BufferSource without [AllowShared] and throws on them.
    (ArrayBuffer.isView(data) && !(typeof SharedArrayBuffer === 'function' && data.buffer instanceof SharedArrayBuffer)) ||
    isBlob(data)
  ) {
    return data as OutboundData;
  }
  if (type === 'number' || type === 'boolean' || type === 'bigint') return String(data);
  throw new TypeError(mustBe('send() data', 'a string, ArrayBuffer, ArrayBufferView or Blob', data));
}

/** The bytes a message takes on the wire: UTF-8 for text, byte length for binary (a Blob has a `size` instead). */
export const byteLength = (data: OutboundData): number =>
  typeof data === 'string' ? utf8Length(data) : ((data as ArrayBuffer).byteLength ?? (data as Blob).size);

/** Made on first use; `0` where the runtime has no `TextEncoder.encodeInto`. */
let encoder: TextEncoder | 0 | undefined;
let scratch: Uint8Array | undefined;

/**
 * UTF-8 length of a JavaScript string. A lone surrogate counts 3 bytes: the socket sends it as
 * U+FFFD, as the WebIDL USVString conversion requires. Long strings are measured by the
 * runtime's own encoder into a small scratch buffer (about 50× faster than a loop in script
 * for 16 KiB; it runs for every message of a session).
 */
export const utf8Length = (text: string): number => {
  const { length } = text;
  let bytes = 0;
  let i = 0;
  const native = length > 64 && (encoder ??= (globalThis as { TextEncoder?: typeof TextEncoder }).TextEncoder?.prototype.encodeInto ? new TextEncoder() : 0);
  if (native) {
    // encodeInto never splits a code point: `read` stops before one that does not fit.
    while (i < length) {
      const { read, written } = native.encodeInto(i ? text.slice(i) : text, (scratch ??= new Uint8Array(16_384)));
      bytes += written;
      i += read!;
    }
  }
  // Short strings (and every string where there is no encoder): counted here. The encoder left nothing.
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    // A surrogate pair takes 4 bytes in all, a lone surrogate 3 (U+FFFD). charCodeAt past
    // the end is NaN, and NaN & 0xfc00 is 0.
    if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      bytes++;
    }
  }
  return bytes;
}

/**
 * The bytes of `data` as they are now, for a message that must wait in the queue: the native
 * `send()` takes its bytes at the call, so a buffer the caller changes afterwards must not
 * change what goes out. A view becomes a `Uint8Array` of its bytes (the wire carries bytes
 * only); text and Blobs, which cannot change, are kept as they are.
 */
export const snapshot = (data: OutboundData): OutboundData =>
  ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() : data instanceof ArrayBuffer ? data.slice(0) : data;

/** Whether `data` is a Blob (where the runtime has them). */
export function isBlob(data: unknown): data is Blob {
  return typeof Blob === 'function' && data instanceof Blob;
}
