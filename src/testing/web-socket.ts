import { asReceivedBy, checkClientClose, checkProtocols, clientPayload, domException, endpointOf, parseWebSocketUrl } from './checks';
import { Listeners, socketEvent } from './listeners';
import { deliver } from './network';
import type {
  ReceivedData,
  TestCloseEvent,
  TestHandler,
  TestListener,
  TestMessageEvent,
  TestSendData,
  TestSocketEvent,
  TestWebSocket,
  TestWebSocketEventMap,
} from './types';

/** The server side of a connection, as a client socket sees it. */
export interface Peer {
  /** Scheme, host and path this server answers on. */
  readonly _endpoint: string;
  /** Its URL, for messages. */
  readonly url: string;
  /**
   * The handshake: `'open'` when the server takes the connection (it is then one of its
   * clients), `'refused'`, or `'held'` (it calls `_handshake()` again when it lets go).
   */
  _admit(socket: ClientSocket): 'open' | 'refused' | 'held';
  /** The client's `open` event has fired. */
  _opened(socket: ClientSocket): void;
  _receive(socket: ClientSocket, data: ReceivedData): void;
  /** The connection ended, whichever side ended it. */
  _left(socket: ClientSocket): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * A client socket on the kit's in-memory network. Its handshake, messages and closing
 * handshake are deliveries (see network.ts); what its server does reaches it at once.
 */
export class ClientSocket implements TestWebSocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  readonly url: string;
  readonly extensions = '';
  private _readyState = CONNECTING;
  private _protocol = '';
  private _binaryType: 'blob' | 'arraybuffer' = 'blob';
  /** Half-open: nothing passes either way, and no close frame will ever come. */
  private _silenced = false;
  /** Bytes written while silenced. */
  private _stuck = 0;
  /** @internal The subprotocols offered. */
  readonly _offered: readonly string[];
  private readonly _listeners = new Listeners();

  constructor(
    private readonly _peer: Peer,
    url: string | URL,
    protocols?: string | string[],
  ) {
    const parsed = parseWebSocketUrl(url);
    if (!parsed) throw domException(`Failed to construct 'WebSocket': The URL '${String(url)}' is invalid.`, 'SyntaxError');
    if (endpointOf(parsed) !== _peer._endpoint) {
      throw new TypeError(`steadysocket/testing: this WebSocket belongs to the test server at ${_peer.url}; it cannot connect to ${parsed.href}`);
    }
    this._offered = checkProtocols(protocols);
    this.url = parsed.href;
    deliver(() => this._handshake());
  }

  get readyState(): number {
    return this._readyState;
  }
  get protocol(): string {
    return this._protocol;
  }
  get bufferedAmount(): number {
    return this._stuck;
  }
  get binaryType(): 'blob' | 'arraybuffer' {
    return this._binaryType;
  }
  set binaryType(value: 'blob' | 'arraybuffer') {
    // As the DOM: a value outside the enum is ignored.
    if (value === 'blob' || value === 'arraybuffer') this._binaryType = value;
  }

  get onopen(): TestHandler<TestSocketEvent> {
    return this._listeners.handler('open') as TestHandler<TestSocketEvent>;
  }
  set onopen(handler: TestHandler<TestSocketEvent>) {
    this._listeners.setHandler('open', handler);
  }
  get onmessage(): TestHandler<TestMessageEvent> {
    return this._listeners.handler('message') as TestHandler<TestMessageEvent>;
  }
  set onmessage(handler: TestHandler<TestMessageEvent>) {
    this._listeners.setHandler('message', handler);
  }
  get onclose(): TestHandler<TestCloseEvent> {
    return this._listeners.handler('close') as TestHandler<TestCloseEvent>;
  }
  set onclose(handler: TestHandler<TestCloseEvent>) {
    this._listeners.setHandler('close', handler);
  }
  get onerror(): TestHandler<TestSocketEvent> {
    return this._listeners.handler('error') as TestHandler<TestSocketEvent>;
  }
  set onerror(handler: TestHandler<TestSocketEvent>) {
    this._listeners.setHandler('error', handler);
  }

  addEventListener<K extends keyof TestWebSocketEventMap>(type: K, listener: TestListener<TestWebSocketEventMap[K]> | null, options?: boolean | { once?: boolean }): void {
    this._listeners.add(type, listener, options);
  }

  removeEventListener<K extends keyof TestWebSocketEventMap>(type: K, listener: TestListener<TestWebSocketEventMap[K]> | null): void {
    this._listeners.remove(type, listener);
  }

  send(data: TestSendData): void {
    if (this._readyState === CONNECTING) throw domException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", 'InvalidStateError');
    const { payload, size } = clientPayload(data);
    if (this._readyState !== OPEN) return; // closing or closed: discarded, as natively
    if (this._silenced) {
      this._stuck += size;
      return;
    }
    // Lost if the link breaks before the delivery: it was in flight.
    deliver(() => {
      if (this._readyState !== CLOSED && !this._silenced) this._peer._receive(this, payload);
    });
  }

  close(code?: number, reason?: string): void {
    checkClientClose(code, reason);
    if (this._readyState === CLOSING || this._readyState === CLOSED) return;
    const wasConnecting = this._readyState === CONNECTING;
    this._readyState = CLOSING;
    if (wasConnecting) {
      // Closing an attempt fails it, as natively: error, then close 1006.
      deliver(() => {
        if (this._readyState === CLOSING) this._end(1006, '', false, true);
      });
    } else if (!this._silenced) {
      // The server answers the closing handshake with the same code (none: 1005).
      deliver(() => {
        if (this._readyState === CLOSING && !this._silenced) this._end(code ?? 1005, reason ?? '', true);
      });
    }
  }

  // ---- what the server does (internal) ------------------------------------------------

  /** @internal */
  _fromServer(payload: string | Uint8Array): boolean {
    if (this._readyState !== OPEN || this._silenced) return false;
    this._dispatch(socketEvent('message', this, { data: asReceivedBy(payload, this._binaryType) }));
    return true;
  }

  /** @internal The server's closing handshake; not through a silenced link. */
  _closeFromServer(code: number, reason: string): void {
    if (this._readyState === CLOSED || this._silenced) return;
    this._end(code, reason, true);
  }

  /** @internal An abrupt loss: close 1006, not clean. */
  _drop(): void {
    if (this._readyState !== CLOSED) this._end(1006, '', false);
  }

  /** @internal */
  _silence(): void {
    if (this._readyState === OPEN || this._readyState === CLOSING) this._silenced = true;
  }

  /** @internal */
  _handshake(): void {
    if (this._readyState !== CONNECTING) return;
    const verdict = this._peer._admit(this);
    if (verdict === 'held') return;
    if (verdict === 'refused') {
      this._end(1006, '', false, true);
      return;
    }
    this._readyState = OPEN;
    this._protocol = this._offered[0] ?? '';
    this._dispatch(socketEvent('open', this, {}));
    this._peer._opened(this);
  }

  // ---- inside ----------------------------------------------------------------------

  private _end(code: number, reason: string, wasClean: boolean, failed = false): void {
    this._readyState = CLOSED;
    this._peer._left(this);
    if (failed) this._dispatch(socketEvent('error', this, {}));
    this._dispatch(socketEvent('close', this, { code, reason, wasClean }));
  }

  private _dispatch(event: TestWebSocketEventMap[keyof TestWebSocketEventMap]): void {
    this._listeners.dispatch(this, event);
  }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(ClientSocket.prototype, name, { value, enumerable: true });
}
