import { DATA_BYTE } from '../session/protocol';

/** What a session's `send()` takes. */
export type SessionData = string | Buffer | ArrayBuffer | ArrayBufferView;

/** A data frame as kept until acknowledged: its bytes on the wire, and whether it goes as binary. */
export interface Framed {
  readonly wire: Buffer;
  readonly binary: boolean;
}

/** One buffer with the tag: text is encoded once, straight after it (no string concatenation to flatten). */
export function frame(data: SessionData, bytes: number): Framed {
  const wire = Buffer.allocUnsafe(bytes + 1);
  wire[0] = DATA_BYTE;
  if (typeof data === 'string') {
    wire.write(data, 1, 'utf8');
    return { wire, binary: false };
  }
  const view = Buffer.isBuffer(data) ? data : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  view.copy(wire, 1);
  return { wire, binary: true };
}

export function unframe(framed: Framed): SessionData {
  return framed.binary ? framed.wire.subarray(1) : framed.wire.toString('utf8', 1);
}
