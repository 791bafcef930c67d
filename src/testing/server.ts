import { reportListenerError } from '../socket/index';
import { checkServerClose, endpointOf, parseWebSocketUrl, serverPayload } from './checks';
import { deliver } from './network';
import type { ReceivedData, TestWebSocketConstructor } from './types';
import { ClientSocket, type Peer } from './web-socket';

/** One connection, as {@link TestServer.connected} hands it to the test. */
export interface TestConnection {
  /** The URL the client connected with, query included (a token, say). */
  readonly url: string;
  /** The subprotocols the client offered. */
  readonly protocols: readonly string[];
  /** The subprotocol chosen: the first offered, or `''`. */
  readonly protocol: string;
}

/**
 * An in-process WebSocket server for one test, with no network and no real time. Pass its
 * `WebSocket` as `options.WebSocket`; everything the server does reaches its clients at
 * once, and what they send is delivered before the test clock moves on.
 */
export interface TestServer {
  /** The URL it answers on (any query string is accepted). */
  readonly url: string;
  /**
   * The constructor to pass as `new SteadySocket(url, { WebSocket: server.WebSocket })`. Its
   * sockets reach this server only: a second server on the same URL, in this test or the
   * next, is a different one, so nothing needs cleaning up between tests.
   */
  readonly WebSocket: TestWebSocketConstructor;
  /**
   * Resolves with the oldest connection not yet awaited that is still open, or else with
   * the next one to open. Rejects once the server is stopped.
   * @example await server.connected(); // the socket is open
   */
  connected(): Promise<TestConnection>;
  /**
   * Resolves with the oldest message not yet awaited, or else the next to arrive, in the
   * order the server received them (across connections). Rejects once the server is stopped.
   * @example expect(await server.nextMessage()).toBe('hello');
   */
  nextMessage(): Promise<ReceivedData>;
  /** Every message received so far, in order, awaited or not. */
  readonly received: readonly ReceivedData[];
  /** How many clients are connected now (silenced ones included). */
  readonly clients: number;
  /**
   * Sends `data` to every connected client (not through a silenced link); returns how many
   * it reached.
   * @example server.send(JSON.stringify({ type: 'welcome' }));
   */
  send(data: string | ArrayBuffer | ArrayBufferView): number;
  /** Loses every connection abruptly: the clients see a close 1006, not clean (no `error`). */
  drop(): void;
  /**
   * Closes every connection cleanly with `code` and `reason`; the server still takes new ones.
   * @example server.close(1008, 'forbidden'); // a policy violation: SteadySocket gives up
   */
  close(code?: number, reason?: string): void;
  /**
   * From now on, refuses new attempts as an unreachable server does (`error`, then close
   * 1006, not clean) until `refuse(false)`. Connections already open stay.
   */
  refuse(on: boolean): void;
  /**
   * Answers each message as it arrives, before the test clock moves on: what `handler`
   * returns goes back to the client that sent it (`undefined`: nothing). A message it answers
   * is listed in `received` but not handed out by `nextMessage()`. `null` removes it.
   * @example server.reply((data) => (data === 'ping' ? 'pong' : undefined)); // answers heartbeats
   */
  reply(handler: ((data: ReceivedData) => string | ArrayBuffer | ArrayBufferView | undefined) | null): void;
  /**
   * From now on, new attempts hang: the handshake neither completes nor fails, until the
   * client gives up (its connect timeout) or `stall(false)` lets them complete (or `refuse`
   * them, if the server refuses by then).
   * @example server.stall(true); clock.advance(10_000); // SteadySocket's connect timeout fires
   */
  stall(on: boolean): void;
  /**
   * Makes every open connection half-open: nothing passes either way, and no close ever
   * fires, until the client gives up on it (a heartbeat) or `drop()`. Later connections work.
   */
  silence(): void;
  /** Drops every connection, refuses every attempt from now on, and rejects what waits. */
  stop(): void;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A {@link TestServer} on `url`: a ws or wss URL (a `TypeError` otherwise).
 * @example
 * const server = createTestServer('ws://test/feed');
 * const ws = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock: createTestClock() });
 * await server.connected();
 */
export function createTestServer(url: string | URL): TestServer {
  const parsed = parseWebSocketUrl(url);
  if (!parsed) throw new TypeError(`createTestServer: expected a ws:// or wss:// URL without a fragment, got ${typeof url === 'string' ? `'${url}'` : String(url)}`);
  return new InMemoryServer(parsed);
}

class InMemoryServer implements TestServer, Peer {
  readonly url: string;
  readonly WebSocket: TestWebSocketConstructor;
  /** @internal */
  readonly _endpoint: string;
  private readonly _clients = new Set<ClientSocket>();
  private readonly _info = new WeakMap<ClientSocket, TestConnection>();
  private readonly _received: ReceivedData[] = [];
  /** Opened and not yet handed out by `connected()`. */
  private _unclaimed: ClientSocket[] = [];
  private _connectionWaiters: Waiter<TestConnection>[] = [];
  /** Received and not yet handed out by `nextMessage()`. */
  private _inbox: ReceivedData[] = [];
  private _messageWaiters: Waiter<ReceivedData>[] = [];
  private _replier: ((data: ReceivedData) => unknown) | null = null;
  private _refusing = false;
  private _stalling = false;
  /** Attempts that arrived while stalling. */
  private _held: ClientSocket[] = [];
  private _stopped = false;

  constructor(url: URL) {
    this.url = url.href;
    this._endpoint = endpointOf(url);
    const server: Peer = this;
    // A class per server: its sockets find their server through it, never through a
    // registry keyed by URL (mock-socket's is process-wide: a second server on a URL throws).
    this.WebSocket = class TestWebSocket extends ClientSocket {
      constructor(socketUrl: string | URL, protocols?: string | string[]) {
        super(server, socketUrl, protocols);
      }
    };
  }

  get received(): readonly ReceivedData[] {
    return this._received;
  }

  get clients(): number {
    return this._clients.size;
  }

  connected(): Promise<TestConnection> {
    if (this._stopped) return Promise.reject(this._stoppedError('connected()'));
    while (this._unclaimed.length > 0) {
      const socket = this._unclaimed.shift()!;
      if (this._clients.has(socket)) return Promise.resolve(this._info.get(socket)!);
    }
    return new Promise((resolve, reject) => this._connectionWaiters.push({ resolve, reject }));
  }

  nextMessage(): Promise<ReceivedData> {
    if (this._inbox.length > 0) return Promise.resolve(this._inbox.shift()!);
    if (this._stopped) return Promise.reject(this._stoppedError('nextMessage()'));
    return new Promise((resolve, reject) => this._messageWaiters.push({ resolve, reject }));
  }

  send(data: string | ArrayBuffer | ArrayBufferView): number {
    const payload = serverPayload(data);
    let reached = 0;
    for (const client of [...this._clients]) if (client._fromServer(payload)) reached++;
    return reached;
  }

  drop(): void {
    for (const client of [...this._clients]) client._drop();
  }

  close(code = 1000, reason = ''): void {
    checkServerClose(code, reason);
    for (const client of [...this._clients]) client._closeFromServer(code, reason);
  }

  refuse(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError(`TestServer.refuse: expected true or false, got ${String(on)}`);
    this._refusing = on;
  }

  reply(handler: ((data: ReceivedData) => string | ArrayBuffer | ArrayBufferView | undefined) | null): void {
    if (handler !== null && typeof handler !== 'function') throw new TypeError(`TestServer.reply: expected a function or null, got ${typeof handler}`);
    this._replier = handler;
  }

  stall(on: boolean): void {
    if (typeof on !== 'boolean') throw new TypeError(`TestServer.stall: expected true or false, got ${String(on)}`);
    this._stalling = on;
    if (!on) this._release();
  }

  silence(): void {
    for (const client of this._clients) client._silence();
  }

  stop(): void {
    if (this._stopped) return;
    this._stopped = true;
    this.drop();
    this._release();
    const error = (what: string) => this._stoppedError(what);
    for (const waiter of this._connectionWaiters.splice(0)) waiter.reject(error('connected()'));
    for (const waiter of this._messageWaiters.splice(0)) waiter.reject(error('nextMessage()'));
    this._unclaimed = [];
  }

  // ---- what its sockets report (internal) -------------------------------------------

  /** @internal */
  _admit(socket: ClientSocket): 'open' | 'refused' | 'held' {
    if (this._refusing || this._stopped) return 'refused';
    if (this._stalling) {
      this._held.push(socket);
      return 'held';
    }
    this._clients.add(socket);
    const protocols = socket._offered;
    this._info.set(socket, Object.freeze({ url: socket.url, protocols, protocol: protocols[0] ?? '' }));
    return 'open';
  }

  /** @internal */
  _opened(socket: ClientSocket): void {
    if (!this._clients.has(socket)) return;
    const waiter = this._connectionWaiters.shift();
    if (waiter) waiter.resolve(this._info.get(socket)!);
    else this._unclaimed.push(socket);
  }

  /** @internal */
  _receive(socket: ClientSocket, data: ReceivedData): void {
    this._received.push(data);
    if (this._answer(socket, data)) return;
    const waiter = this._messageWaiters.shift();
    if (waiter) waiter.resolve(data);
    else this._inbox.push(data);
  }

  /** @internal */
  _left(socket: ClientSocket): void {
    this._clients.delete(socket);
  }

  /** Whether the reply handler answered `data`; its exception (or a bad answer) is reported, and answers nothing. */
  private _answer(socket: ClientSocket, data: ReceivedData): boolean {
    if (!this._replier) return false;
    let payload: string | Uint8Array;
    try {
      const answer = this._replier(data);
      if (answer === undefined) return false;
      payload = serverPayload(answer);
    } catch (error) {
      reportListenerError(error);
      return false;
    }
    socket._fromServer(payload);
    return true;
  }

  /** Held attempts go through the handshake again (one the client closed meanwhile stays closed). */
  private _release(): void {
    for (const socket of this._held.splice(0)) deliver(() => socket._handshake());
  }

  private _stoppedError(what: string): Error {
    return new Error(`TestServer(${this.url}).${what}: the server was stopped`);
  }
}
