// The demo's backend: a real `ws` server on 127.0.0.1 that records the number of every
// message it receives (across restarts: the summary is computed from this), answers the
// heartbeat's 'ping' with 'pong', and pushes a typed `tick` every second. The demo uses
// its methods to misbehave: crash, close with a code, send garbage.
//
// With `sessions: true` it speaks the session protocol through the reference SessionServer:
// it receives and sends through sessions, which the SessionServer keeps across connections
// (but not across a crash: they live in its memory).
import { once } from 'node:events';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { SessionServer } from 'steadysocket/server';

export const TICK_EVERY = 1000;

export class DemoServer {
  /** Message numbers in arrival order, over every connection. */
  received = [];
  port = 0;
  #http;
  #wss;
  #ticks = 0;
  #ticker;
  #sessions;
  /** With sessions: the live ones. */
  #live = new Set();
  #closeSessions = () => {};

  constructor({ sessions = false } = {}) {
    this.#sessions = sessions;
  }

  get running() {
    return this.#http !== undefined;
  }

  /** Listens on port 0 the first time, then on the same port again. */
  async start() {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    if (this.#sessions) {
      // It answers the heartbeat itself; a new one each start: a crash loses the sessions.
      const sessions = new SessionServer(wss, { sessionTtl: 60_000 });
      sessions.on('session', (session) => {
        this.#live.add(session);
        session.on('message', (data) => this.received.push(parseInt(String(data).slice(4), 10)));
        session.on('close', () => this.#live.delete(session));
      });
      this.#closeSessions = () => sessions.close();
    } else {
      wss.on('connection', (socket) => {
        socket.on('message', (data) => {
          const text = String(data);
          if (text === 'ping') socket.send('pong');
          else this.received.push(parseInt(text.slice(4), 10)); // "msg 42", "msg 42 <padding>" → 42
        });
      });
    }
    http.listen(this.port, '127.0.0.1');
    await once(http, 'listening');
    this.port = http.address().port;
    [this.#http, this.#wss] = [http, wss];
    this.#ticker = setInterval(() => this.broadcast(JSON.stringify({ channel: 'tick', data: { n: ++this.#ticks } })), TICK_EVERY);
  }

  /** A crash, not a shutdown: connections drop without a closing handshake (the client sees 1006). */
  async crash() {
    const [http, wss] = [this.#http, this.#wss];
    if (!http) return;
    this.#http = this.#wss = undefined;
    clearInterval(this.#ticker);
    this.#closeSessions();
    this.#live.clear();
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }

  /** Closes every connection with `code` (a closing handshake) and keeps listening. */
  closeAll(code, reason) {
    for (const socket of this.#wss.clients) socket.close(code, reason);
  }

  broadcast(text) {
    // Through the sessions, a message to a client that is away waits for it (bounded).
    if (this.#sessions) for (const session of this.#live) session.send(text);
    else for (const socket of this.#wss?.clients ?? []) socket.send(text);
  }
}
