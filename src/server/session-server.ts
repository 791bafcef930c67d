import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { EventEmitter } from 'eventemitter3';
import type { WebSocket, WebSocketServer } from 'ws';
import { systemClock, type Clock } from '../socket/index';
import { chosenProtocol, decodeText, encode, MAX_HANDSHAKE_FRAME, SESSION_CLOSE, SESSION_PROTOCOL, TAG, type SessionWindow } from '../session/protocol';
import { Session } from './session';
import type { SessionSettings } from './session-types';
import { MemoryStore, type SessionStore } from './store';
import { Timer } from '../session/timer';

/** Options of {@link SessionServer}; every one has a default. */
export interface SessionServerOptions {
  /**
   * Ms a session is kept after its connection ends, for the client to resume it.
   * @default 120_000
   */
  sessionTtl?: number;
  /**
   * Most messages the server keeps unacknowledged per session; past it, `send()` waits.
   * @default 65_536
   */
  maxMessages?: number;
  /**
   * Most bytes the server keeps unacknowledged per session; past it, `send()` waits.
   * @default 4_194_304
   */
  maxBytes?: number;
  /**
   * What may wait per session beyond the window (client away or slow); past it, `send()`
   * drops with a `drop` event.
   * @default { messages: 10_000, bytes: 16_777_216 }
   */
  maxQueued?: SessionWindow;
  /**
   * Sessions kept at once; a new one past it is refused with close 1013 (try again later).
   * @default 10_000
   */
  maxSessions?: number;
  /**
   * Ms a connection that chose the protocol has to send its hello, else close 4013.
   * @default 10_000
   */
  helloTimeout?: number;
  /**
   * Ms between WebSocket-level pings that find dead connections (a connection that did not
   * answer the last one is terminated); `0` turns them off.
   * @default 30_000
   */
  pingInterval?: number;
  /**
   * The text heartbeat of plain clients (a SteadySocket without `resume`, default
   * `heartbeat`) that the server answers; `null` passes such pings on as messages.
   * @default { ping: 'ping', pong: 'pong' }
   */
  plainHeartbeat?: PlainHeartbeat | null;
  /** Where sessions are kept between connections. @default a MemoryStore */
  store?: SessionStore<Session>;
  /** Time source of every timer. @default the system clock */
  clock?: Clock;
}

/** The text heartbeat of plain clients, answered by the server. */
export interface PlainHeartbeat {
  /** The client's ping. */
  readonly ping: string;
  /** The server's answer. */
  readonly pong: string;
}

/** Events of a {@link SessionServer}. */
export interface SessionServerEvents {
  /** A new session began (not on resumes: the session object goes on). */
  session: [session: Session, request: IncomingMessage];
}

type HandleProtocols = (protocols: Set<string>, request: IncomingMessage) => string | false;

/**
 * The reference server of the session protocol (docs/PROTOCOL.md) on the `ws` package.
 * Sessions outlive connections: a client that reconnects within `sessionTtl` resumes its
 * session, and each message either side sends arrives once, in order. Plain clients get
 * sessions too (`resumable` false). It answers heartbeats, and pings to find dead peers.
 *
 * @example
 * const server = new SessionServer(new WebSocketServer({ port: 8080 }), { sessionTtl: 120_000 });
 * server.on('session', (session) => session.on('message', (data) => session.send(`echo ${data}`)));
 */
export class SessionServer extends EventEmitter<SessionServerEvents> {
  /** The sessions kept now, by the hash of their token. */
  readonly store: SessionStore<Session>;
  private readonly _ttl: number;
  private readonly _window: SessionWindow;
  private readonly _settings: SessionSettings;
  private readonly _maxSessions: number;
  private readonly _helloTimeout: number;
  private readonly _pingInterval: number;
  private readonly _plainHeartbeat: PlainHeartbeat | null;
  private readonly _live = new Map<WebSocket, { alive: boolean }>();
  /** Every session not yet ended (the store may hold them elsewhere; these are ours to end). */
  private readonly _sessions = new Set<Session>();
  private readonly _pinger: Timer;
  private readonly _previous: HandleProtocols | undefined;
  private readonly _onConnection = (ws: WebSocket, request: IncomingMessage) => this._connection(ws, request);

  constructor(
    private readonly wss: WebSocketServer,
    options: SessionServerOptions = {},
  ) {
    super();
    const clock = options.clock ?? systemClock;
    this._ttl = options.sessionTtl ?? 120_000;
    this._window = { messages: options.maxMessages ?? 65_536, bytes: options.maxBytes ?? 4_194_304 };
    this._settings = { window: this._window, maxQueued: options.maxQueued ?? { messages: 10_000, bytes: 16_777_216 }, clock };
    this._maxSessions = options.maxSessions ?? 10_000;
    this._helloTimeout = options.helloTimeout ?? 10_000;
    this._pingInterval = options.pingInterval ?? 30_000;
    this._plainHeartbeat = options.plainHeartbeat === undefined ? { ping: 'ping', pong: 'pong' } : options.plainHeartbeat;
    this.store = options.store ?? new MemoryStore();
    this._pinger = new Timer(clock);
    // The server chooses the subprotocol: ours, wrapped around the user's choice.
    const wsOptions = wss.options as { handleProtocols?: HandleProtocols | null };
    this._previous = wsOptions.handleProtocols ?? undefined;
    wsOptions.handleProtocols = (offered, request) => this._choose(offered, request);
    wss.on('connection', this._onConnection);
  }

  /**
   * Stops serving: drops every connection, ends every session (each reports what the client
   * never acknowledged) and lets go of the `ws` server, which it does not close.
   */
  close(): void {
    this.wss.off('connection', this._onConnection);
    (this.wss.options as { handleProtocols?: HandleProtocols | null }).handleProtocols = this._previous ?? null;
    this._pinger.stop();
    for (const ws of this._live.keys()) ws.terminate();
    this._live.clear();
    for (const session of [...this._sessions]) session._end();
  }

  /** @internal */
  _ended(session: Session): void {
    this._sessions.delete(session);
    for (const key of session._keys) this._forgetKey(session, key);
  }

  /**
   * @internal The client used its newest token: the one it resumed with is worthless now.
   * (Until then it stays valid: a welcome lost with its connection leaves the client with it.)
   */
  _confirmed(session: Session): void {
    for (const key of session._keys) if (key !== session._key) this._forgetKey(session, key);
  }

  private _forgetKey(session: Session, key: string): void {
    session._keys.delete(key);
    if (this.store.get(key) === session) this.store.delete(key);
  }

  /** @internal */
  _detached(session: Session): void {
    session._expiry.start(this._ttl, () => session._end());
  }

  private _choose(offered: Set<string>, request: IncomingMessage): string | false {
    const user = [...offered].filter((name) => !chosenProtocol(name).session);
    // The user's handler sees the names it knows, never an empty set (which ws never passes).
    const picked: unknown = user.length === 0 ? false : this._previous ? this._previous(new Set(user), request) : user[0];
    const pick = typeof picked === 'string' && picked !== '' ? picked : false;
    const plain = pick === false || chosenProtocol(pick).user === '';
    const session = plain ? SESSION_PROTOCOL : `${SESSION_PROTOCOL}+${pick}`;
    return offered.has(session) ? session : pick;
  }

  private _connection(ws: WebSocket, request: IncomingMessage): void {
    ws.binaryType = 'nodebuffer';
    const beat = { alive: true };
    this._live.set(ws, beat);
    ws.on('pong', () => (beat.alive = true));
    if (this._pingInterval > 0 && this._live.size === 1) this._pinger.start(this._pingInterval, () => this._ping());
    let session: Session | undefined;
    const helloTimer = new Timer(this._settings.clock);
    ws.on('close', () => {
      helloTimer.stop();
      this._live.delete(ws);
      session?._detach(ws);
    });
    ws.on('error', () => {}); // a 'close' follows; an unhandled 'error' would crash the process
    if (!chosenProtocol(ws.protocol).session) {
      const plain = this._track(new Session(randomUUID(), false, this._settings, this));
      session = plain;
      const beatText = this._plainHeartbeat;
      ws.on('message', (data, isBinary) => {
        const bytes = toBuffer(data);
        if (beatText && !isBinary && bytes.length === beatText.ping.length && bytes.toString() === beatText.ping) ws.send(beatText.pong);
        else plain._frame(ws, bytes, isBinary);
      });
      // `session` first, so its listeners see `attach`; a close() in them refuses the connection.
      this.emit('session', plain, request);
      plain._attach(ws, this._window, undefined, false);
      return;
    }
    helloTimer.start(this._helloTimeout, () => ws.close(SESSION_CLOSE.helloTimeout, 'no hello'));
    let refused = false;
    ws.on('message', (data, isBinary) => {
      // Frames of a connection the session moved away from (a resume elsewhere) go nowhere.
      if (session) return session._frame(ws, toBuffer(data), isBinary);
      if (refused) return;
      const bytes = toBuffer(data);
      session = isBinary || bytes.length > MAX_HANDSHAKE_FRAME ? undefined : this._hello(ws, bytes.toString(), request);
      if (session) helloTimer.stop();
      else {
        // Nothing more is read from a connection whose first frame was refused.
        refused = true;
        helloTimer.stop();
        if (ws.readyState === 1) ws.close(SESSION_CLOSE.protocolError, 'expected a hello');
      }
    });
  }

  /** The first frame of a session connection: start or resume; undefined when refused (closed). */
  private _hello(ws: WebSocket, text: string, request: IncomingMessage): Session | undefined {
    const frame = decodeText(text);
    if (typeof frame === 'string' || frame.tag !== TAG.hello) return undefined;
    const { hello } = frame;
    let session: Session | undefined;
    const used = hello.session === undefined ? undefined : hash(hello.session);
    if (used !== undefined) {
      const kept = this.store.get(used);
      // A count the session cannot have means a broken client: refuse rather than guess.
      if (kept && !kept._resumeFrom(hello.received ?? 0)) {
        ws.close(SESSION_CLOSE.protocolError, 'impossible resume');
        return undefined;
      }
      if (kept) {
        session = kept;
        // Only the token it resumed with stays valid, until the client shows it has the new one.
        for (const key of kept._keys) if (key !== used) this._forgetKey(kept, key);
        kept._replace();
      }
    }
    const resumed = session !== undefined;
    if (!session) {
      if (this._sessions.size >= this._maxSessions) {
        ws.close(1013, 'too many sessions');
        return undefined;
      }
      session = this._track(new Session(randomUUID(), true, this._settings, this));
    }
    // A new token at every welcome: a token seen before is worth nothing once the client used the new one.
    const token = randomBytes(32).toString('base64url');
    session._key = hash(token);
    session._keys.add(session._key);
    this.store.set(session._key, session);
    const welcome = encode.welcome({ v: 1, session: token, resumed, received: session.received, window: this._window, ttl: this._ttl });
    if (!resumed) {
      this.emit('session', session, request);
      // Closed by a `session` listener (authentication, say): the client gets no welcome.
      if (session.ended) {
        const { code, reason } = session._closedWith;
        ws.close(code, reason);
        return undefined;
      }
    }
    session._attach(ws, hello.window, welcome, resumed);
    return session;
  }

  private _track(session: Session): Session {
    this._sessions.add(session);
    return session;
  }

  private _ping(): void {
    for (const [ws, beat] of this._live) {
      if (!beat.alive) {
        ws.terminate();
        continue;
      }
      beat.alive = false;
      ws.ping();
    }
    if (this._live.size > 0) this._pinger.start(this._pingInterval, () => this._ping());
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}
