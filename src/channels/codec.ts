/** A message as the channels see it, whatever its shape on the wire. */
export interface Envelope {
  /** The channel of a channel message or request; absent on a reply. */
  readonly channel?: unknown;
  /** The request id, on requests and replies. */
  readonly id?: unknown;
  /** The payload. */
  readonly data?: unknown;
  /** An error reply is one that has an `error` member (even `null`). */
  readonly error?: unknown;
}

/**
 * Turns envelopes into wire text and back: the only place JSON is encoded or parsed.
 * Replace it (the `codec` option of `channels()`) for servers that speak another shape.
 */
export interface Codec {
  /** Encodes an outbound channel message, or a request when `id` is set. */
  encode(message: { channel: string; data: unknown; id?: number }): string;
  /**
   * Decodes inbound text. Returns `undefined` for a message that is not for the channels
   * (left to raw `message` listeners), throws for one that is malformed (reported as `invalid`).
   */
  decode(text: string): Envelope | undefined;
}

/**
 * The default envelope: `{"channel": NAME, "data": PAYLOAD}`, requests add a numeric `"id"`,
 * replies are `{"id": ID, "data": ...}` or `{"id": ID, "error": ...}`.
 */
export const jsonCodec: Codec = {
  // JSON.stringify leaves out an undefined `id`: a channel message is `{"channel", "data"}`.
  encode: ({ channel, data, id }) => JSON.stringify({ channel, id, data }),
  // Already an envelope: JSON.parse makes plain objects (even a "__proto__" key is an own property).
  decode: parseObject,
};

/**
 * A codec for servers whose messages look like `{"type": NAME, "payload": ..., "id"?: N}`;
 * an example of the `codec` option, and a ready one for that common shape.
 *
 * @example const api = channels<Api>(socket, { codec: typePayloadCodec });
 */
export const typePayloadCodec: Codec = {
  encode: ({ channel, data, id }) => JSON.stringify({ type: channel, id, payload: data }),
  decode(text) {
    const message = parseObject(text);
    const envelope: { -readonly [K in keyof Envelope]: Envelope[K] } = { channel: message.type, id: message.id, data: message.payload };
    // An error reply is one that has the member, even `null`.
    if ('error' in message) envelope.error = message.error;
    return envelope;
  },
};

/** JSON text that must be an object (not an array, not a primitive). */
function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}
