import type { Clock } from '../socket/index';
import type { SessionWindow } from '../session/protocol';

/** What a session's `send()` takes. */
export type SessionData = string | Buffer | ArrayBuffer | ArrayBufferView;

/** Why the server let go of a message it was asked to send. */
export type SessionDropReason =
  /** More waited than `maxQueued` allows (the client is away, or acknowledges slowly). */
  | 'overflow'
  /** Written, but the session ended before the client acknowledged it. */
  | 'unconfirmed'
  /** Sent after the session ended. */
  | 'closed';

/** The events of a {@link Session}. */
export interface SessionEvents {
  /** A message of the client: once, in order. Text arrives as a string, binary as a Buffer. */
  message: [data: string | Buffer, isBinary: boolean];
  /** A connection (re)joined the session; `resumed` is false for the first. */
  attach: [resumed: boolean];
  /** The connection went away; the session waits `sessionTtl` for the client. */
  detach: [];
  /** A message of `send()` will not reach the client, or may not have. */
  drop: [data: SessionData, reason: SessionDropReason];
  /** The session ended: `close()`, the client's goodbye, `sessionTtl` passed, or a plain client left. */
  close: [];
}

/** Limits and time, from the server's options. */
export interface SessionSettings {
  readonly window: SessionWindow;
  readonly maxQueued: SessionWindow;
  readonly clock: Clock;
}
