import type { DomType } from '../socket/index';

/** Fields of every event a {@link TestWebSocket} fires. */
export interface TestSocketEvent {
  /** `'open'`, `'message'`, `'close'` or `'error'`. */
  readonly type: string;
  /** The socket that fired it. */
  readonly target: TestWebSocket;
  /** The same as `target`, as in the DOM. */
  readonly currentTarget: TestWebSocket;
}

/** A message from the test server. */
export interface TestMessageEvent extends TestSocketEvent {
  /** Text as a string; binary as an `ArrayBuffer`, or a `Blob` when `binaryType` is `'blob'` (where the runtime has Blob). */
  readonly data: string | ArrayBuffer | DomType<'Blob'>;
}

/** The end of a connection or attempt. */
export interface TestCloseEvent extends TestSocketEvent {
  /** 1006 for a refused attempt or a dropped connection; else the code of the closing handshake. */
  readonly code: number;
  /** The reason of the closing handshake, else `''`. */
  readonly reason: string;
  /** `false` for a refused attempt or a dropped connection. */
  readonly wasClean: boolean;
}

/** The events of a {@link TestWebSocket}, by name. */
export interface TestWebSocketEventMap {
  /** The handshake completed. */
  open: TestSocketEvent;
  /** A message from the server. */
  message: TestMessageEvent;
  /** The connection or attempt ended. */
  close: TestCloseEvent;
  /** The attempt was refused or failed; a `close` follows. */
  error: TestSocketEvent;
}

/** A listener object, as the DOM takes. */
export interface TestListenerObject<E> {
  /** Called with each event. */
  handleEvent(event: E): unknown;
}

/** A listener: a function, or an object with `handleEvent`, as the DOM takes. */
export type TestListener<E> = ((event: E) => unknown) | TestListenerObject<E>;


/** What a {@link TestWebSocket}'s `send` takes: what the native one takes. */
export type TestSendData = string | ArrayBuffer | ArrayBufferView | DomType<'Blob'>;

/**
 * What the test server received: text as a string, binary as a `Uint8Array` copy of the
 * bytes sent (a `Blob` as it was sent).
 */
export type ReceivedData = string | Uint8Array | DomType<'Blob'>;

/** A handler property (`onopen`, …) of a {@link TestWebSocket}. */
export type TestHandler<E> = ((this: TestWebSocket, event: E) => unknown) | null;

/**
 * A client socket of one test server, shaped as the native `WebSocket`: what
 * `new server.WebSocket(url)` makes (and what `SteadySocket` drives when given
 * `server.WebSocket`). Unlike mock-socket's, it reports 0 for `bufferedAmount` (except for
 * what is stuck on a {@link TestServer.silence | silenced} link), fails a refused attempt
 * with an `error` and a close 1006, and delivers nothing after `close()`.
 */
export interface TestWebSocket {
  /** The URL it was made with, resolved as the native constructor resolves it. */
  readonly url: string;
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  /** The subprotocol the server chose: the first one offered, or `''`. */
  readonly protocol: string;
  /** Always `''`: the test server negotiates no extensions. */
  readonly extensions: string;
  /**
   * Bytes written but not delivered: 0 on a live link, whose deliveries happen at once; on a
   * {@link TestServer.silence | silenced} link, every byte written since.
   */
  readonly bufferedAmount: number;
  /**
   * How binary messages arrive.
   * @default 'blob'
   */
  binaryType: 'blob' | 'arraybuffer';
  /** Called when the handshake completes. */
  onopen: TestHandler<TestSocketEvent>;
  /** Called for each message from the server. */
  onmessage: TestHandler<TestMessageEvent>;
  /** Called when the connection or attempt ends. */
  onclose: TestHandler<TestCloseEvent>;
  /** Called when the attempt is refused or fails. */
  onerror: TestHandler<TestSocketEvent>;
  /** As the DOM's `addEventListener` (`once` is honoured). */
  addEventListener<K extends keyof TestWebSocketEventMap>(type: K, listener: TestListener<TestWebSocketEventMap[K]> | null, options?: boolean | { once?: boolean }): void;
  /** As the DOM's `removeEventListener`. */
  removeEventListener<K extends keyof TestWebSocketEventMap>(type: K, listener: TestListener<TestWebSocketEventMap[K]> | null, options?: boolean | object): void;
  /** Sends to the server; throws an `InvalidStateError` while CONNECTING; discards after `close()`. */
  send(data: TestSendData): void;
  /** Starts the closing handshake; the same argument errors as the native `close()`. */
  close(code?: number, reason?: string): void;
  /** 0 */
  readonly CONNECTING: 0;
  /** 1 */
  readonly OPEN: 1;
  /** 2 */
  readonly CLOSING: 2;
  /** 3 */
  readonly CLOSED: 3;
}

/** `server.WebSocket`: a WebSocket constructor whose sockets connect to that server only. */
export interface TestWebSocketConstructor {
  /** Throws a `SyntaxError` for a URL the native constructor refuses, a `TypeError` for another server's URL. */
  new (url: string | URL, protocols?: string | string[]): TestWebSocket;
  /** 0 */
  readonly CONNECTING: 0;
  /** 1 */
  readonly OPEN: 1;
  /** 2 */
  readonly CLOSING: 2;
  /** 3 */
  readonly CLOSED: 3;
}
