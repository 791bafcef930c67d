// npm run demo:web [-- --port 8080] [--exit-after-ms N]
//
// The chat of the WebSocket tutorials, served on 127.0.0.1, with a SteadySocket from the
// script-tag build (dist/steadysocket.umd.min.js) and two buttons that crash and restart the
// chat server. Its React twin is at /react (React 19; /react?react=18 for React 18): the
// same page on steadysocket/react (examples/react-chat.tsx), bundled here with esbuild on
// first request. Two servers, so the page stays served while the chat is down:
// - the page's HTTP server (default port 8080, or any free port if that one is busy), which
//   also answers POST /kill, POST /restart and GET /status;
// - the chat's `ws` server, on its own port: every message goes to every client, the sender
//   included (the tutorials' broadcast server). /kill drops every client without a closing
//   handshake and stops listening, as a crash does; /restart listens on the same port again.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, 'exit-after-ms': { type: 'string' } },
});
const wantedPort = Number(args.port ?? process.env.PORT ?? DEFAULT_PORT);
const exitAfterMs = args['exit-after-ms'] === undefined ? undefined : Number(args['exit-after-ms']);
if (!Number.isInteger(wantedPort) || wantedPort < 0 || wantedPort > 65535) fail(`--port: not a port: ${args.port ?? process.env.PORT}`);
if (exitAfterMs !== undefined && !(exitAfterMs > 0)) fail(`--exit-after-ms: not a positive number: ${args['exit-after-ms']}`);

const FILES = {
  '/': { path: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { path: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { path: 'style.css', type: 'text/css; charset=utf-8' },
  '/steadysocket.umd.min.js': { path: '../../dist/steadysocket.umd.min.js', type: 'text/javascript; charset=utf-8' },
  '/steadysocket.umd.min.js.map': { path: '../../dist/steadysocket.umd.min.js.map', type: 'application/json' },
};
const fileUrl = (path) => new URL(path, import.meta.url);
if (!existsSync(fileUrl(FILES['/steadysocket.umd.min.js'].path))) {
  fail('dist/steadysocket.umd.min.js is missing: run `npm run demo:web` (it builds first) or `npm run build`');
}

// ---- the chat server: broadcast, killable, restartable on the same port -------------------

const chat = { http: undefined, wss: undefined, port: 0 };

async function startChat() {
  if (chat.http) return;
  const http = createServer((request, response) => response.writeHead(426).end('a WebSocket server\n'));
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    socket.on('error', () => {}); // a client that vanishes mid-frame is not our crash
    socket.on('message', (data, isBinary) => {
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
  });
  chat.http = http; // claimed at once: a second /restart while this one listens does nothing
  chat.wss = wss;
  try {
    // Port 0 the first time, then the same one again.
    await listen(http, chat.port).catch((error) => {
      if (chat.port === 0 || error.code !== 'EADDRINUSE') throw error;
      // Someone took our port while we were down: any port will do, since the page asks
      // for the URL (GET /status) before every attempt.
      return listen(http, 0);
    });
  } catch (error) {
    chat.http = chat.wss = undefined;
    throw error;
  }
  chat.port = http.address().port;
}

async function killChat() {
  const { http, wss } = chat;
  if (!http) return;
  chat.http = chat.wss = undefined;
  for (const client of wss.clients) client.terminate(); // no closing handshake: a crash
  wss.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

const status = () => ({ running: chat.http !== undefined, url: `ws://${HOST}:${chat.port}/`, clients: chat.wss?.clients.size ?? 0 });

// ---- the React twin: bundled on first request ----------------------------------------------

const reactBundles = new Map();

/** react-main.jsx and what it imports, for React `major` (18 through the react-18 alias). */
function reactBundle(major) {
  if (!reactBundles.has(major)) reactBundles.set(major, buildReact(major));
  return reactBundles.get(major);
}

async function buildReact(major) {
  // A devDependency: the React page exists in this repository only, like the demo itself.
  const { build } = await import('esbuild');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const { exports } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  const result = await build({
    entryPoints: [fileURLToPath(fileUrl('react-main.jsx'))],
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    // Development React: StrictMode mounts, cleans up and mounts again, as in an app's dev server.
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: major === '18' ? { react: 'react-18', 'react-dom': 'react-dom-18' } : {},
    logLevel: 'silent',
    plugins: [
      {
        // 'steadysocket/react' and 'steadysocket' to dist/, as the package's exports map says.
        name: 'self-reference',
        setup(b) {
          b.onResolve({ filter: /^steadysocket(\/|$)/ }, ({ path }) => ({ path: `${root}${exports[`.${path.slice(12)}`].import.default.slice(2)}` }));
        },
      },
    ],
  });
  return result.outputFiles[0].contents;
}

// ---- the page's server ---------------------------------------------------------------------

const site = createServer(async (request, response) => {
  const pathname = (request.url ?? '/').split('?')[0];
  const json = (body) => response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  try {
    // Only this page may press the buttons, not any site open in the same browser.
    if (request.method === 'POST' && request.headers.origin && request.headers.origin !== `http://${request.headers.host}`) {
      return response.writeHead(403).end();
    }
    if (request.method === 'POST' && pathname === '/kill') {
      await killChat();
      log(`chat server killed: clients dropped without a closing handshake`);
      return json(status());
    }
    if (request.method === 'POST' && pathname === '/restart') {
      await startChat();
      log(`chat server back on ${status().url}`);
      return json(status());
    }
    if (request.method === 'GET' && pathname === '/status') return json(status());
    const major = new URL(request.url ?? '/', 'http://x').searchParams.get('react') === '18' ? '18' : '19';
    if (request.method === 'GET' && pathname === '/react') {
      const page = await readFile(fileUrl('react.html'), 'utf8');
      const body = page.replace('src="/react-app.js"', `src="/react-app.js?react=${major}"`);
      return response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    }
    if (request.method === 'GET' && pathname === '/react-app.js') {
      const body = await reactBundle(major);
      return response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    }
    const file = request.method === 'GET' || request.method === 'HEAD' ? FILES[pathname] : undefined;
    if (!file) return response.writeHead(pathname === '/favicon.ico' ? 204 : 404).end();
    const body = await readFile(fileUrl(file.path));
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
});

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => reject(error);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

// ---- start, and stop cleanly ----------------------------------------------------------------

await startChat();
try {
  await listen(site, wantedPort);
} catch (error) {
  // The fixed default is for humans (a URL to remember); if it is busy, any free port will do.
  if (error.code !== 'EADDRINUSE' || args.port !== undefined || process.env.PORT !== undefined) throw error;
  log(`port ${wantedPort} is busy, using a free one`);
  await listen(site, 0);
}
console.log(`steadysocket web demo: open http://${HOST}:${site.address().port}/  (chat server ${status().url}; Ctrl-C to stop)`);

let stopping = false;
async function stop(reason, code = 0) {
  if (stopping) return;
  stopping = true;
  log(reason);
  setTimeout(() => process.exit(code), 2000).unref(); // never hang on a stuck connection
  await killChat();
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
  process.exit(code);
}
process.once('SIGINT', () => stop('stopping (SIGINT)'));
process.once('SIGTERM', () => stop('stopping (SIGTERM)'));
if (exitAfterMs !== undefined) setTimeout(() => stop(`stopping: --exit-after-ms ${exitAfterMs} reached`), exitAfterMs).unref();

function log(text) {
  console.log(`${new Date().toISOString().slice(11, 23)}  ${text}`);
}

function fail(message) {
  console.error(`demo:web: ${message}`);
  process.exit(2);
}
