/**
 * The steadysocket session protocol, version 1: names, frame tags, close codes and the
 * codec of control frames, in one place for the client (src/socket) and the reference
 * server (src/server). docs/PROTOCOL.md is its specification; keep the two in step.
 *
 * Nothing here does I/O or keeps time.
 */

/** The subprotocol that means "this connection speaks session protocol v1". */
export const SESSION_PROTOCOL = 'steadysocket.1';
/**
 * Offered first when the user asked for no subprotocol. Servers that pick the first offered
 * name without knowing it (the `ws` package's default) pick this one, which means a plain
 * connection: then nothing of the session protocol is ever written.
 */
export const PLAIN_PROTOCOL = 'steadysocket';

/** The first character of a text frame (the first byte of a binary one) says what it is. */
export const TAG = {
  /** A message of the application: text after the tag, or binary after the byte 0x44. */
  data: 'D',
  /** `A<n>`: I have received your first n data frames of this session. */
  ack: 'A',
  /** `H{json}`: the client's first frame: start or resume a session. */
  hello: 'H',
  /** `W{json}`: the server's first frame: the session, and whether it continued. */
  welcome: 'W',
  /** `P<text>`: a heartbeat ping; answered by `Q` with the same text. */
  ping: 'P',
  /** `Q<text>`: the answer to a ping. */
  pong: 'Q',
  /** `B`: the sender ends the session; no resume will follow. */
  bye: 'B',
} as const;

/** The first byte of a binary data frame: 'D'. */
export const DATA_BYTE = 0x44;

/** Close codes of the protocol (4000 is the client's heartbeat timeout). */
export const SESSION_CLOSE = {
  /** A frame broke the protocol (unknown tag, bad JSON, an ack of more than was sent). */
  protocolError: 4010,
  /** Another connection resumed this session; this one is stale. */
  replaced: 4012,
  /** No hello within the server's hello timeout. */
  helloTimeout: 4013,
} as const;

/** How much one side keeps unacknowledged before it stops writing: its window. */
export interface SessionWindow {
  /** Data frames. */
  readonly messages: number;
  /** Payload bytes (UTF-8 for text, without the tag). */
  readonly bytes: number;
}

/** The client's first frame. `session` and `received` only when resuming. */
export interface Hello {
  readonly v: 1;
  readonly window: SessionWindow;
  /** The session token from the last welcome: a secret. */
  readonly session?: string;
  /** Data frames of the server received in that session. */
  readonly received?: number;
}

/** The server's first frame. */
export interface Welcome {
  readonly v: 1;
  /** The session token: a secret, to be sent back in a later hello only. */
  readonly session: string;
  /** Whether the session of the hello went on (false: a new one started). */
  readonly resumed: boolean;
  /** Data frames of the client the server received in the session (0 for a new one). */
  readonly received: number;
  readonly window: SessionWindow;
  /** Ms the server keeps the session after a connection ends. */
  readonly ttl: number;
}

/**
 * The names to offer for the user's subprotocols. The user's come first, so a server that
 * picks the first it sees picks a plain one; a session server picks ours.
 */
export function offerProtocols(user: readonly string[]): string[] {
  return user.length ? user.concat(user.map((p) => `${SESSION_PROTOCOL}+${p}`)) : [PLAIN_PROTOCOL, SESSION_PROTOCOL];
}

/** Whether the server chose the session protocol (alone, or with a user's subprotocol after `+`). */
export function isSessionProtocol(selected: string): boolean {
  return `${selected}+`.startsWith(`${SESSION_PROTOCOL}+`);
}

/** The user's subprotocol within the server's choice: without ours, and the plain name is none. */
export function userProtocol(selected: string): string {
  // 15: the length of `${SESSION_PROTOCOL}+`.
  return isSessionProtocol(selected) ? selected.slice(15) : selected === PLAIN_PROTOCOL ? '' : selected;
}

/** Whether the server chose the session protocol, and the user's subprotocol within it. */
export function chosenProtocol(selected: string): { session: boolean; user: string } {
  return { session: isSessionProtocol(selected), user: userProtocol(selected) };
}

/** A control or text data frame, decoded. `data` carries a text payload. */
export type TextFrame =
  | { readonly tag: 'D'; readonly data: string }
  | { readonly tag: 'A'; readonly count: number }
  | { readonly tag: 'H'; readonly hello: Hello }
  | { readonly tag: 'W'; readonly welcome: Welcome }
  | { readonly tag: 'P' | 'Q'; readonly data: string }
  | { readonly tag: 'B' };

/**
 * Decodes a text frame; a string saying what is wrong when it breaks the protocol. The
 * reference decoder (the server's, and docs/PROTOCOL.md's vectors): the client reads the few
 * frames it may receive with the parts below, so its bundle carries no hello validation.
 */
export function decodeText(frame: string): TextFrame | string {
  const tag = frame[0];
  const rest = frame.slice(1);
  switch (tag) {
    case TAG.data:
    case TAG.ping:
    case TAG.pong:
      return { tag, data: rest };
    case TAG.ack: {
      const count = ackCount(rest);
      return count < 0 ? 'bad ack' : { tag, count };
    }
    case TAG.bye:
      return rest === '' ? { tag } : 'bad bye';
    case TAG.hello: {
      const hello = decodeHello(rest);
      return hello ? { tag, hello } : 'bad hello';
    }
    case TAG.welcome: {
      const welcome = decodeWelcome(rest);
      return welcome ? { tag, welcome } : 'bad welcome';
    }
    default:
      return 'unknown frame';
  }
}

/** The count of an ack (the text after `A`: digits without a leading zero, a safe integer); -1 when it is not one. */
export function ackCount(text: string): number {
  return /^(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(+text) ? +text : -1;
}

/** A welcome's JSON (after `W`), checked; undefined when it breaks the protocol. */
export function decodeWelcome(json: string): Welcome | undefined {
  const w = parse(json) as Partial<Welcome> | undefined;
  // A token is a string and not ''; `resumed` a boolean.
  return w?.v === 1 && typeof w.session === 'string' && w.session && typeof w.resumed === 'boolean' && isCount(w.received) && isWindow(w.window) && isCount(w.ttl) ? (w as Welcome) : undefined;
}

/** A hello's JSON (after `H`), checked; undefined when it breaks the protocol. `session` and `received` come together or not at all. */
export function decodeHello(json: string): Hello | undefined {
  const h = parse(json) as Partial<Hello> | undefined;
  if (h?.v !== 1 || !isWindow(h.window)) return undefined;
  return (h.session === undefined && h.received === undefined) || (typeof h.session === 'string' && isCount(h.received)) ? (h as Hello) : undefined;
}

/** The application's bytes of a binary data frame; a string saying what is wrong when it has no data tag. */
export function binaryPayload<T extends Uint8Array>(frame: T): T | string {
  return frame.length > 0 && frame[0] === DATA_BYTE ? (frame.subarray(1) as T) : 'binary frame without the data tag';
}

/** Hellos and welcomes are small; a bigger one is refused before it is parsed. */
export const MAX_HANDSHAKE_FRAME = 4096;

/** Encodes a control frame (the server's encoder; the client, which writes few, writes their tags itself). */
export const encode = {
  ack: (count: number) => `${TAG.ack}${count}`,
  hello: (hello: Hello) => `${TAG.hello}${JSON.stringify(hello)}`,
  welcome: (welcome: Welcome) => `${TAG.welcome}${JSON.stringify(welcome)}`,
  ping: (text = '') => `${TAG.ping}${text}`,
  pong: (text: string) => `${TAG.pong}${text}`,
  bye: () => TAG.bye,
};

// What is not JSON is undefined; so is JSON that is no object, once its fields are read (`v` is missing).
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: undefined.
  }
}

// isSafeInteger is false for what is not a number, too.
function isCount(value: unknown, min = 0): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min;
}

function isWindow(value: unknown): value is SessionWindow {
  type Window = Partial<SessionWindow> | null | undefined;
  return isCount((value as Window)?.messages, 1) && isCount((value as Window)?.bytes, 1);
}
