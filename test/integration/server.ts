import { once } from 'node:events';
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A real `ws` server on 127.0.0.1 that can be stopped and started again on the same
 * port, as a restarting backend does. `onConnection` decides what each connection does.
 */
export class TestServer {
  port = 0;
  readonly requests: IncomingMessage[] = [];
  readonly received: (string | Buffer)[] = [];
  connections = 0;
  private http: HttpServer | undefined;
  private wss: WebSocketServer | undefined;

  constructor(private readonly onConnection: (socket: WebSocket, server: TestServer) => void = echo) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Whether it is listening now. */
  get running(): boolean {
    return this.http !== undefined;
  }

  async start(): Promise<this> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket, request) => {
      this.connections++;
      this.requests.push(request);
      socket.on('message', (data, isBinary) => this.received.push(isBinary ? (data as Buffer) : data.toString()));
      this.onConnection(socket, this);
    });
    http.listen(this.port, '127.0.0.1');
    await once(http, 'listening');
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.wss = wss;
    return this;
  }

  /** Stops listening and drops every client without a closing handshake (a crash). */
  async stop(): Promise<void> {
    const { http, wss } = this;
    if (!http || !wss) return;
    this.http = this.wss = undefined;
    for (const client of wss.clients) client.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Every connected client of the current run. */
  get clients(): Set<WebSocket> {
    return this.wss?.clients ?? new Set();
  }
}

export function echo(socket: WebSocket): void {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
}

/** Resolves when `predicate` holds, polling each event-loop turn; rejects after `ms`. */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
