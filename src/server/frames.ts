import type { WebSocket } from 'ws';
import { DATA_BYTE, TAG } from '../session/protocol';
import type { SessionData } from './session-types';

/** Text this long goes in two fragments (tag, then the text as it is) rather than one joined copy. */
const FRAGMENT_FROM = 4096;
const TAG_BYTE = Buffer.of(DATA_BYTE);

/**
 * A message as kept until acknowledged: text as it was given (strings cannot change), binary
 * as a copy of its bytes (the caller may reuse its buffer after `send()`).
 */
export type Kept = string | Buffer;

export function keep(data: SessionData): Kept {
  if (typeof data === 'string') return data;
  const view = Buffer.isBuffer(data) ? data : data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(view);
}

/**
 * Writes `kept` as one data frame. A long one goes as a fragmented WebSocket message (the tag,
 * then the payload as it is), which every WebSocket client reassembles: no joined copy of the
 * whole message is made and kept, which cost a third of the throughput of 16 KiB messages.
 */
export function writeData(ws: WebSocket, kept: Kept): void {
  const binary = typeof kept !== 'string';
  if (kept.length >= FRAGMENT_FROM) {
    ws.send(binary ? TAG_BYTE : TAG.data, { binary, fin: false });
    ws.send(kept, { binary, fin: true });
  } else {
    ws.send(binary ? Buffer.concat([TAG_BYTE, kept]) : TAG.data + kept, { binary });
  }
}
