/**
 * The Node examples in examples/, each run as a real program (`node examples/x.mjs URL`,
 * importing 'steadysocket' through the package's exports map, i.e. dist/) against a real
 * `ws` server on 127.0.0.1 port 0. The assertions are on what the program printed, what the
 * server received, and how the program ended. The browser examples run in
 * test/browser/examples.test.ts, the React Native one in test/runtimes/react-native.test.ts.
 * Assumes dist/ is built (`npm test` builds it first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestServer, until } from './integration/server';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs .ts files on Node versions without type stripping (see the hooks file). */
const TYPESCRIPT_HOOKS = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(
  pathToFileURL(join(root, 'test', 'helpers', 'typescript-hooks.mjs')).href,
)});`;

// ---- running an example ------------------------------------------------------------------

interface Run {
  /** stdout so far, one entry per line. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves once stdout has a line matching `pattern` (at least `count` of them). */
  printed(pattern: RegExp, count?: number, ms?: number): Promise<void>;
  /** Resolves when the program ends by itself (rejects after `ms`). */
  exited(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  interrupt(): void;
}

const running: ChildProcess[] = [];

function run(example: string, args: string[], env: Record<string, string> = {}): Run {
  const flags = example.endsWith('.ts') ? ['--import', TYPESCRIPT_HOOKS] : [];
  const child = spawn(process.execPath, [...flags, join('examples', example), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const explain = () => `\nstdout:\n${[...lines, partial].join('\n')}\nstderr:\n${stderr}`;
  return {
    lines,
    stderr: () => stderr,
    async printed(pattern, count = 1, ms = 10_000) {
      await until(() => lines.filter((line) => pattern.test(line)).length >= count, ms, `${example} to print ${pattern}`).catch(
        (error: Error) => {
          throw new Error(error.message + explain());
        },
      );
    },
    async exited(ms = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${example} did not exit within ${ms} ms${explain()}`)), ms);
      });
      try {
        const result = await Promise.race([exit, late]);
        if (partial) lines.push(partial);
        partial = '';
        return result;
      } finally {
        clearTimeout(timer);
      }
    },
    interrupt: () => void child.kill('SIGINT'),
  };
}

/** Listens on 127.0.0.1 port 0. */
async function listen(http: HttpServer): Promise<string> {
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return `127.0.0.1:${(http.address() as AddressInfo).port}`;
}

const servers: { stop(): Promise<void> }[] = [];

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'steadysocket.mjs'))) throw new Error('dist/ is missing: run `npm run build` first');
});

afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const server of servers.splice(0)) await server.stop();
});

async function start(server: TestServer): Promise<TestServer> {
  servers.push(server);
  return server.start();
}

// ---- the tutorials -------------------------------------------------------------------------

describe('examples/echo.mjs (the tutorial snippet of seed 002)', () => {
  it('prints exactly what the tutorial says, and exits', async () => {
    const server = await start(new TestServer());
    const echo = run('echo.mjs', [server.url]);
    expect(await echo.exited()).toEqual({ code: 0, signal: null });
    expect(echo.lines).toEqual([
      'connected',
      'client -> server: Hello WebSocket!',
      'client <- server: Hello WebSocket!',
      'client -> server: Hello World!',
      'client <- server: Hello World!',
      'disconnected',
    ]);
    expect(server.received).toEqual(['Hello WebSocket!', 'Hello World!']);
    expect(echo.stderr()).toBe('');
  }, 20_000);
});

describe('examples/resume.mjs (sessions that survive reconnects)', () => {
  it('cuts the connection under two messages each way: each arrives once, in order, after the resume', async () => {
    const example = run('resume.mjs', []);
    expect(await example.exited()).toEqual({ code: 0, signal: null });
    expect(example.lines[0]).toBe('open: a new session');
    expect(example.lines).toContain('open: the session went on');
    const server = example.lines.filter((l) => l.startsWith('server got '));
    const client = example.lines.filter((l) => l.startsWith('client got '));
    expect(server).toEqual(['server got one', 'server got two', 'server got three']);
    expect(client).toEqual(['client got echo one', 'client got echo two', 'client got echo three']);
    expect(example.lines.filter((l) => l.startsWith('unconfirmed'))).toEqual([]);
    expect(example.lines.at(-1)).toBe('reconnects 1, unacknowledged 0');
    expect(example.stderr()).toBe('');
  }, 20_000);
});

describe('examples/binary.mjs (the tutorial snippet of seed 000, §61.3)', () => {
  it('sends 5 bytes, reads the echo back as an ArrayBuffer, and exits', async () => {
    const server = await start(new TestServer());
    const binary = run('binary.mjs', [server.url]);
    expect(await binary.exited()).toEqual({ code: 0, signal: null });
    expect(binary.lines).toEqual([`Uint8: 127 Float32: ${Math.fround(Math.PI)}`]);
    const expected = Buffer.alloc(5);
    expected.writeFloatBE(Math.PI, 0);
    expected.writeUInt8(127, 4);
    expect(server.received).toEqual([expected]);
    expect(binary.stderr()).toBe('');
  }, 20_000);
});

// ---- Node ----------------------------------------------------------------------------------

describe('examples/node-headers.mjs', () => {
  it('sends the headers on every handshake, reconnects after a drop, and closes cleanly on Ctrl-C', async () => {
    const server = await start(
      new TestServer((socket, srv) => {
        const { authorization } = srv.requests.at(-1)!.headers;
        socket.on('message', (data) => socket.send(`${String(data)} ok, ${authorization}, connection ${srv.connections}`));
      }),
    );
    const example = run('node-headers.mjs', [`${server.url}live`], { API_TOKEN: 'secret-1' });
    await example.printed(/^server: /);
    expect(example.lines).toEqual(['server: status? ok, Bearer secret-1, connection 1']);

    for (const client of server.clients) client.terminate(); // dropped without a closing handshake
    await example.printed(/^server: /, 2);
    example.interrupt();
    expect(await example.exited()).toEqual({ code: 0, signal: null });
    expect(example.lines).toEqual([
      'server: status? ok, Bearer secret-1, connection 1',
      'closed 1006 (reconnecting)',
      'server: status? ok, Bearer secret-1, connection 2',
      'closed 1000 (final)',
    ]);
    expect(server.requests.map((request) => [request.url, request.headers.authorization, request.headers['user-agent']])).toEqual([
      ['/live', 'Bearer secret-1', 'my-service/1.0'],
      ['/live', 'Bearer secret-1', 'my-service/1.0'],
    ]);
    expect(example.stderr()).toBe('');
  }, 20_000);
});

/**
 * A token service and a feed: POST /token issues a single-use token (after failing the
 * first `failures` requests with 503); /live?token=T accepts only an issued, unused token.
 */
class AuthServer {
  tokenRequests = 0;
  readonly accepted: { token: string; socket: WebSocket }[] = [];
  readonly refused: string[] = [];
  private readonly issued = new Set<string>();
  private readonly http: HttpServer;
  host = '';

  constructor(private failures: number) {
    const wss = new WebSocketServer({ noServer: true });
    this.http = createServer((request, response) => {
      if (request.method !== 'POST' || request.url !== '/token') return void response.writeHead(404).end();
      this.tokenRequests++;
      if (this.failures > 0) {
        this.failures--;
        return void response.writeHead(503).end();
      }
      const token = `token-${this.tokenRequests}`;
      this.issued.add(token);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
    });
    this.http.on('upgrade', (request: IncomingMessage, socket, head) => {
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      if (!this.issued.delete(token)) {
        this.refused.push(token);
        socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        this.accepted.push({ token, socket: ws });
        ws.send(`welcome, ${token}`);
      });
    });
  }

  async start(): Promise<this> {
    this.host = await listen(this.http);
    return this;
  }

  async stop(): Promise<void> {
    for (const { socket } of this.accepted) socket.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

describe('examples/auth-token.mjs', () => {
  it('asks for a fresh token before every attempt; a failing token service is an error and a retry', async () => {
    const server = new AuthServer(1);
    servers.push(server);
    await server.start();
    const example = run('auth-token.mjs', [`http://${server.host}`]);
    await example.printed(/^server: welcome/);
    // The token expires while connected: the server closes, the client comes back with a new one.
    server.accepted[0]!.socket.close(4001, 'token expired');
    await example.printed(/^server: welcome/, 2);
    example.interrupt();
    expect(await example.exited()).toEqual({ code: 0, signal: null });

    expect(server.tokenRequests).toBe(3);
    expect(server.accepted.map((a) => a.token)).toEqual(['token-2', 'token-3']);
    expect(server.refused).toEqual([]);
    expect(example.lines).toEqual([
      // The provider's failure is the attempt's failure: an error, then a close, then a retry.
      'error: URL_PROVIDER_FAILED URL provider failed: token service: HTTP 503',
      'closed 1006 URL provider failed: token service: HTTP 503 (reconnecting)',
      'connected',
      'server: welcome, token-2',
      'closed 4001 token expired (reconnecting)',
      'connected',
      'server: welcome, token-3',
      'closed 1005  (final)',
    ]);
    expect(example.stderr()).toBe('');
  }, 20_000);
});

// ---- queue and channels --------------------------------------------------------------------

describe('examples/overflow-policy.mjs', () => {
  it("'reject' refuses the newest, 'drop-oldest' keeps the newest; every drop is reported; the rest arrive in order", async () => {
    const received = new Map<string, string[]>();
    const server = await start(
      new TestServer((socket, srv) => {
        const path = srv.requests.at(-1)!.url!;
        const messages = received.get(path) ?? [];
        received.set(path, messages);
        socket.on('message', (data) => messages.push(String(data)));
      }),
    );
    const example = run('overflow-policy.mjs', [server.url.replace(/\/$/, '')]);
    expect(await example.exited()).toEqual({ code: 0, signal: null });
    expect(example.lines).toEqual([
      'chat: dropped "line 4" (overflow)',
      'chat: "line 4" not sent, queue full',
      'chat: dropped "line 5" (overflow)',
      'chat: "line 5" not sent, queue full',
      'positions: dropped "position 1" (overflow)',
      'positions: dropped "position 2" (overflow)',
    ]);
    expect(Object.fromEntries(received)).toEqual({
      '/chat': ['line 1', 'line 2', 'line 3'],
      '/positions': ['position 3', 'position 4', 'position 5'],
    });
    expect(example.stderr()).toBe('');
  }, 20_000);
});

describe('examples/typed-channels.ts', () => {
  it('sends typed envelopes, gets a typed reply, and keeps a message that fails zod away from the loop', async () => {
    const server = await start(
      new TestServer((socket) => {
        socket.on('message', (raw) => {
          const message = JSON.parse(String(raw)) as { channel: string; id?: number; data: { zone?: string; text?: string } };
          if (message.channel === 'time') socket.send(JSON.stringify({ id: message.id, data: { now: Date.UTC(2030, 0, 2, 3, 4, 5) } }));
          if (message.channel === 'chat' && message.data.text === 'hi') {
            socket.send(JSON.stringify({ channel: 'chat', data: { from: 'mallory', text: 42 } }));
            socket.send(JSON.stringify({ channel: 'chat', data: { from: 'ada', text: 'hi yourself' } }));
            socket.send(JSON.stringify({ channel: 'chat', data: { from: 'ada', text: 'bye' } }));
          }
        });
      }),
    );
    const example = run('typed-channels.ts', [`${server.url}api`]);
    expect(await example.exited(20_000)).toEqual({ code: 0, signal: null });
    expect(example.lines).toEqual([
      'server time: 2030-01-02T03:04:05.000Z',
      'Invalid message (validation on "chat"): Invalid input: expected string, received number',
      'ada: hi yourself',
      'ada: bye',
    ]);
    expect(server.received.map((text) => JSON.parse(String(text)))).toEqual([
      { channel: 'time', id: expect.any(Number), data: { zone: 'UTC' } },
      { channel: 'chat', data: { text: 'hi' } },
    ]);
    expect(example.stderr()).toBe('');
  }, 30_000);
});
