/**
 * The browser examples in examples/ in a real headless Chromium (see
 * find-chromium.ts), served by one local HTTP + `ws` server on 127.0.0.1 port 0, as a site
 * serves its pages and its WebSocket endpoints from one origin:
 * - examples/script-tag.html and examples/chat.html load the minified build from their pinned
 *   CDN URL, which the browser context routes to the local dist/steadysocket.umd.min.js;
 *   every other request that would leave 127.0.0.1 is aborted and fails the test;
 * - examples/npm.mjs runs as <script type="module"> under an import map that resolves
 *   'steadysocket' as a bundler would (to dist/steadysocket.mjs).
 * Endpoints: /echo echoes; / is the tutorials' chat (every message to every client on /).
 * Assumes dist/ is built (`npm test` builds it first).
 */
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChromium, type RunningChromium } from './chromium';
import { until } from './servers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
/** The URL the examples pin; the test fails when package.json's version moves and they do not. */
const CDN = `https://cdn.jsdelivr.net/npm/steadysocket@${version}/dist/steadysocket.umd.min.js`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** What a bundler does for `import { SteadySocket } from 'steadysocket'`, as an import map. */
const NPM_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>npm example</title>
<script type="importmap">${JSON.stringify({
  imports: { steadysocket: '/dist/steadysocket.mjs' },
})}</script>
<script type="module" src="/examples/npm.mjs"></script>`;

/**
 * Serves /examples/*, /dist/* and /npm.html over HTTP, and the
 * WebSocket endpoints /echo and / (chat) on the same port; stops (dropping every client
 * without a closing handshake) and starts again on that port, as a restarted site does.
 */
class Site {
  port = 0;
  /** Text and binary messages each endpoint received, in arrival order. */
  readonly received = new Map<string, (string | Buffer)[]>();
  private http: HttpServer | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  clients(path: string): WebSocket[] {
    return [...this.wss.clients].filter((client) => (client as WebSocket & { path?: string }).path === path);
  }

  messages(path: string): (string | Buffer)[] {
    return this.received.get(path) ?? [];
  }

  async start(): Promise<this> {
    const http = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      if (path === '/npm.html') return void response.writeHead(200, { 'content-type': TYPES['.html'] }).end(NPM_PAGE);
      let file: string | undefined;
      for (const dir of ['examples', 'dist']) {
        const base = join(root, dir);
        const candidate = normalize(join(base, path.slice(dir.length + 2)));
        if (path.startsWith(`/${dir}/`) && candidate.startsWith(base + sep)) file = candidate;
      }
      if (!file) return void response.writeHead(404).end();
      readFile(file).then(
        (body) => response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => response.writeHead(404).end(),
      );
    });
    http.on('upgrade', (request, socket, head) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path !== '/' && path !== '/echo') return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        Object.assign(ws, { path });
        ws.on('message', (data, isBinary) => {
          const message = isBinary ? Buffer.from(data as Buffer) : data.toString();
          this.received.set(path, [...this.messages(path), message]);
          if (path === '/echo') ws.send(message);
          else for (const client of this.clients('/')) client.send(message);
        });
      });
    });
    http.listen(this.port, '127.0.0.1');
    await once(http, 'listening');
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    return this;
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    if (!http) return;
    for (const client of this.wss.clients) client.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

let chrome: RunningChromium;
let site: Site;
/** Requests that tried to leave 127.0.0.1 (aborted). */
const escaped: string[] = [];
let cdnHits = 0;
const pages: Page[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  for (const file of ['steadysocket.umd.min.js', 'steadysocket.mjs']) {
    if (!existsSync(join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
  }
  [chrome, site] = await Promise.all([startChromium(), new Site().start()]);
  // No network: everything not on 127.0.0.1 is aborted, except the pinned CDN URL, which
  // is answered with the local build (the route registered last is asked first).
  await chrome.context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      escaped.push(route.request().url());
      return route.abort();
    },
  );
  await chrome.context.route(CDN, (route) => {
    cdnHits++;
    return route.fulfill({ path: join(root, 'dist', 'steadysocket.umd.min.js'), contentType: TYPES['.js'] });
  });
}, 40_000);

afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  site.received.clear();
});

afterAll(async () => {
  await chrome?.close();
  await site?.stop();
}, 20_000);

async function open(path: string, onConsole?: (text: string) => void): Promise<Page> {
  const page = await chrome.context.newPage();
  pages.push(page);
  page.on('pageerror', (error) => pageErrors.push(`${path}: ${error.message}`));
  if (onConsole) page.on('console', (message) => onConsole(message.text()));
  await page.goto(`${site.origin}${path}`);
  return page;
}

describe('examples/npm.mjs (the npm way in, under an import map standing in for the bundler)', () => {
  it('queues what is sent while connecting, flushes it before onopen, and closes for good', async () => {
    const logged: string[] = [];
    await open('/npm.html', (text) => logged.push(text));
    await until(() => logged.some((line) => line.startsWith('closed')), 10_000, 'the example to close');
    expect(logged).toEqual([
      'received sent while connecting: queued, flushed in order on open, before onopen runs',
      'received hello',
      'closed 1000 bye false',
    ]);
    expect(site.messages('/echo')).toEqual(['sent while connecting: queued, flushed in order on open, before onopen runs', 'hello']);
    expect(pageErrors).toEqual([]);
    expect(escaped).toEqual([]);
  }, 20_000);
});

describe('examples/script-tag.html (the script-tag way in, from the pinned CDN URL)', () => {
  it('pins the version in package.json', () => {
    expect(readFileSync(join(root, 'examples', 'script-tag.html'), 'utf8')).toContain(`<script src="${CDN}"></script>`);
    expect(readFileSync(join(root, 'examples', 'chat.html'), 'utf8')).toContain(`<script src="${CDN}"></script>`);
  });

  it('gets its echo, and gets it again after the connection is dropped', async () => {
    const hitsBefore = cdnHits;
    const page = await open('/examples/script-tag.html');
    const log = () => page.$$eval('#log li', (items) => items.map((item) => item.textContent ?? ''));
    expect(cdnHits).toBe(hitsBefore + 1);
    expect(await page.evaluate(() => typeof (window as unknown as { SteadySocket: unknown }).SteadySocket)).toBe('function');
    await until(async () => (await log()).length === 1, 10_000, 'the first echo');
    expect(await log()).toEqual(['echo: hello from a script tag']);

    for (const client of site.clients('/echo')) client.terminate(); // no closing handshake
    await until(async () => (await log()).length === 4, 10_000, 'the reconnect and the second echo');
    expect(await log()).toEqual([
      'echo: hello from a script tag',
      'lost (1006)',
      expect.stringMatching(/^retry 1 in \d\.\d s$/),
      'echo: hello from a script tag',
    ]);
    expect(site.messages('/echo')).toEqual(['hello from a script tag', 'hello from a script tag']);
    expect(pageErrors).toEqual([]);
    expect(escaped).toEqual([]);
  }, 20_000);
});

describe('examples/chat.html (the tutorials\' chat, only the constructor changed)', () => {
  it('chats between two pages, and what is typed while the server restarts is sent after the reconnect', async () => {
    const screen = (page: Page) => page.$$eval('body > div', (divs) => divs.map((div) => div.textContent ?? ''));
    const say = async (page: Page, text: string) => {
      await page.fill('#input', text);
      await page.press('#input', 'Enter'); // commits the value: `change` fires
    };
    /** How many of each page's native WebSockets have closed (seen through the DevTools protocol). */
    const closed = new Map<string, number>();
    const [alice, bob] = await Promise.all(
      ['alice', 'bob'].map(async (nick) => {
        const page = await chrome.context.newPage();
        pages.push(page);
        page.on('pageerror', (error) => pageErrors.push(`${nick}: ${error.message}`));
        page.on('websocket', (ws) => ws.on('close', () => closed.set(nick, (closed.get(nick) ?? 0) + 1)));
        page.on('dialog', (dialog) => void dialog.accept(nick)); // prompt("Enter your nickname")
        await page.goto(`${site.origin}/examples/chat.html`);
        return page;
      }),
    );
    await until(() => site.clients('/').length === 2, 10_000, 'both pages to connect');

    await say(alice!, 'hi bob');
    await until(async () => (await screen(bob!)).length === 1, 5000, 'bob to see it');
    expect(await screen(alice!)).toEqual(['alice: hi bob']);
    expect(await screen(bob!)).toEqual(['alice: hi bob']);

    await site.stop();
    // Typed once the page knows the connection is gone (a message written to a socket
    // that is dying can be lost: no WebSocket client can know whether it arrived).
    await until(() => (closed.get('alice') ?? 0) >= 1, 5000, "alice's connection to close");
    await say(alice!, 'still there?'); // the server is down: queued
    await site.start(); // same port
    await until(() => site.messages('/').includes('alice: still there?'), 10_000, 'alice to reconnect and send what she typed');
    await until(() => site.clients('/').length === 2, 10_000, 'bob to reconnect');
    await say(bob!, 'yes');
    await until(async () => (await screen(alice!)).length === 3, 5000, 'alice to see the answer');
    expect(await screen(alice!)).toEqual(['alice: hi bob', 'alice: still there?', 'bob: yes']);
    const bobs = await screen(bob!);
    expect(bobs[0]).toBe('alice: hi bob');
    expect(bobs.at(-1)).toBe('bob: yes');
    expect(site.messages('/')).toEqual(['alice: hi bob', 'alice: still there?', 'bob: yes']);
    expect(pageErrors).toEqual([]);
    expect(escaped).toEqual([]);
  }, 30_000);
});
