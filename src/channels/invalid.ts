import type { ValidationIssue } from './schema';

/** Why an inbound message did not reach a typed listener. */
export type InvalidReason =
  /** Longer than `maxMessageSize`: not parsed at all. */
  | 'too-large'
  /** The codec could not decode it (not JSON, not an object…). */
  | 'undecodable'
  /** Decoded, but neither a channel message nor a reply. */
  | 'shape'
  /** A channel this client was never asked for with `channel(name)`. */
  | 'unknown-channel'
  /** A reply to a request id that no client on this socket issued. */
  | 'unknown-reply'
  /** The channel's (or request's) validator refused it. */
  | 'validation'
  /** Its channel already had `limits.validating` messages (or bytes) waiting on an async validator. */
  | 'overflow';

/** Reports a message that was turned away; the client turns it into an `invalid` event. */
export type ReportInvalid = (reason: InvalidReason, channel: string | undefined, data: unknown, issues: readonly ValidationIssue[]) => void;
