import type { SendOptions } from '../socket/index';
import type { ResolvedChannelsOptions } from './options';
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

/**
 * Reports a message that was turned away; the client turns it into an `invalid` event.
 * `issues` are a validator's, or one message saying what was wrong; `channel` is the one
 * the message named, if it named one (last: most reports have none).
 */
export type ReportInvalid = (reason: InvalidReason, data: unknown, issues: readonly ValidationIssue[] | string, channel?: string) => void;

/**
 * What a client's channels and requests need from it — its resolved options, and these —
 * in one object per client, shared by all of them (rather than a pair of closures per channel).
 */
export interface ClientHooks extends ResolvedChannelsOptions {
  /** Sends wire text through the socket's queue; `false` once the client is disposed. */
  readonly _send: (text: string, options?: SendOptions) => boolean;
  /** Turns a message away, in the client's `invalid` event. */
  readonly _invalid: ReportInvalid;
  /**
   * The socket closed for good (until a `reconnect()`), or the client was disposed:
   * iterations started now end at once.
   */
  _ended: boolean;
  /** The client was disposed: nothing is sent or delivered any more, not even a validation under way. */
  _disposed: boolean;
}
