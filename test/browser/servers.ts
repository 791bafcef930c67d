/**
 * Fixtures of the browser test: a static HTTP server for the pages and the built bundles,
 * and a `ws` echo server that can be stopped and started again on the same port.
 * Both listen on 127.0.0.1, port 0.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { TestServer } from '../integration/server';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Serves `/pages/*` (test/browser/pages) and `/dist/*` (the build). */
export class StaticServer {
  private http: HttpServer | undefined;
  port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const mounts: [string, string][] = [
      ['/pages/', join(here, 'pages')],
      ['/dist/', join(root, 'dist')],
    ];
    const http = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      let file: string | undefined;
      for (const [prefix, dir] of mounts) {
        if (!path.startsWith(prefix)) continue;
        const candidate = normalize(join(dir, path.slice(prefix.length)));
        if (candidate.startsWith(dir + sep)) file = candidate;
      }
      if (!file) {
        response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
        return;
      }
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      readFile(file).then(
        (body) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
        () => response.writeHead(404).end(),
      );
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    return this;
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

export interface Received {
  /** Wall-clock ms (Date.now) when the server got it. */
  at: number;
  data: string | Buffer;
}

/** One accepted connection, as the server saw it. */
export interface Connection {
  /** The URL path without its leading slash: each test connects to its own tag. */
  tag: string;
  openedAt: number;
  closedAt: number | undefined;
  received: Received[];
  socket: WebSocket;
}

/**
 * A `ws` server that
 * - answers the text `ping` with `pong` (the heartbeat's default pair) and records when;
 * - answers a channel request `{"channel":"time","id":N,"data":{...}}` with `{"id":N,"data":{now,zone}}`;
 * - echoes everything else as it came (text as text, binary as binary),
 * and can be stopped (clients dropped without a closing handshake, as in a crash) and
 * started again on the same port.
 */
export class EchoServer {
  readonly connections: Connection[] = [];
  // The restartable ws server of the integration tests, with this protocol on top.
  private readonly server = new TestServer((socket, server) => {
    const connection: Connection = {
      tag: (server.requests.at(-1)?.url ?? '/').slice(1),
      openedAt: Date.now(),
      closedAt: undefined,
      received: [],
      socket,
    };
    this.connections.push(connection);
    socket.on('close', () => (connection.closedAt = Date.now()));
    socket.on('error', () => {});
    socket.on('message', (raw, isBinary) => {
      const data = isBinary ? Buffer.from(raw as Buffer) : raw.toString();
      connection.received.push({ at: Date.now(), data });
      if (typeof data !== 'string') return socket.send(data, { binary: true });
      if (data === 'ping') return socket.send('pong');
      const reply = answer(data);
      socket.send(reply ?? data);
    });
  });

  get url(): string {
    return `ws://127.0.0.1:${this.server.port}`;
  }

  get running(): boolean {
    return this.server.running;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  /** Stops listening and drops every client without a closing handshake. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The connections made to `tag`, oldest first. */
  of(tag: string): Connection[] {
    return this.connections.filter((c) => c.tag === tag);
  }

  /** Every text message `tag`'s connections received, oldest first. */
  texts(tag: string): string[] {
    return this.of(tag).flatMap((c) => c.received.map((r) => r.data).filter((d): d is string => typeof d === 'string'));
  }

  /** When `tag`'s connections received a `ping`, oldest first. */
  pings(tag: string): number[] {
    return this.of(tag).flatMap((c) => c.received.filter((r) => r.data === 'ping').map((r) => r.at));
  }
}

function answer(text: string): string | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof message !== 'object' || message === null) return undefined;
  const { channel, id, data } = message as { channel?: unknown; id?: unknown; data?: { zone?: unknown } };
  if (channel !== 'time' || typeof id !== 'number') return undefined;
  return JSON.stringify({ id, data: { now: Date.now(), zone: data?.zone } });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `predicate` holds, checking every 20 ms; rejects at a wall-clock deadline. */
export async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
