/**
 * `npm run demo:web` in a real headless Chromium: the demo server runs as a child process
 * (`node demo/web/server.mjs --port 0`), the test clicks through the page as a user would —
 * chat, kill the server, type while it is down, restart — and keeps a screenshot of the
 * badge after the restart in test-artifacts/web-demo.png (and one while the server is down,
 * web-demo-down.png). The same walk-through runs on the page's React twin
 * (examples/react-chat.tsx at /react, under <StrictMode>) with React 19 and React 18
 * (test-artifacts/web-demo-react-19.png, …-18.png), where it also checks that the page holds
 * one connection and that React printed no warning.
 * Assumes dist/ is built (`npm test` builds it first).
 *
 * Liveness is judged by wall-clock deadlines; the page is kept in front, since Chromium
 * throttles the timers of hidden tabs (the badge's countdown among them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromium, type RunningChromium } from './chromium';
import { sleep, until } from './servers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let demo: ChildProcess | undefined;
let output = '';
let chrome: RunningChromium | undefined;
let page: Page;
let origin = '';
const pageErrors: string[] = [];
/** Console warnings and errors of the current page. */
const consoleLines: string[] = [];

/** Starts the demo server on a free port and resolves with the URL it prints. */
function startDemo(): Promise<string> {
  // --exit-after-ms: should afterAll never run, the server still ends by itself.
  const child = spawn(process.execPath, ['demo/web/server.mjs', '--port', '0', '--exit-after-ms', '180000'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL within 10 s:\n${output}`)), 10_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited early (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'steadysocket.umd.min.js'))) {
    throw new Error('dist/steadysocket.umd.min.js is missing: run `npm run build` first');
  }
  [origin, chrome] = await Promise.all([startDemo(), startChromium()]);
}, 40_000);

/** Opens `path` of the demo in a new page in front, for the tests of the enclosing describe. */
function onPage(path: string) {
  beforeAll(async () => {
    pageErrors.length = 0;
    consoleLines.length = 0;
    page = await chrome!.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') consoleLines.push(message.text());
    });
    await page.setViewportSize({ width: 900, height: 600 });
    await page.goto(`${origin}${path}`);
    await page.bringToFront();
  }, 30_000);
  afterAll(() => page?.close());
}

afterAll(async () => {
  await chrome?.close();
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    const exited = once(demo, 'exit');
    demo.kill('SIGTERM');
    const timer = setTimeout(() => demo?.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}, 20_000);

// ---- reading the page ----------------------------------------------------------------------

interface Badge {
  state: string;
  /** Which retry the countdown is for. */
  retry: string;
  text: string;
  queued: string | null;
}

const badge = (): Promise<Badge> =>
  page.evaluate(() => {
    const queued = document.getElementById('badge-queued')!;
    return {
      state: document.getElementById('badge')!.dataset.state ?? '',
      retry: document.getElementById('badge')!.dataset.retry ?? '',
      text: document.getElementById('badge-state')!.textContent ?? '',
      queued: queued.hidden ? null : queued.textContent,
    };
  });

/** The chat lines that arrived from the server (not system notes, not pending ones). */
const delivered = (): Promise<string[]> =>
  page.$$eval('#chat li:not(.system):not(.pending)', (items) => items.map((item) => item.textContent ?? ''));

const pending = (): Promise<{ text: string; status: string }[]> =>
  page.$$eval('#chat li.pending', (items) => items.map((item) => ({ text: item.textContent ?? '', status: (item as HTMLElement).dataset.status ?? '' })));

async function waitForBadge(predicate: (b: Badge) => boolean, ms: number, what: string): Promise<Badge> {
  let last: Badge | undefined;
  await until(async () => predicate((last = await badge())), ms, what).catch((error: Error) => {
    throw new Error(`${error.message}; badge: ${JSON.stringify(last)}; page errors: ${pageErrors.join('; ') || 'none'}\n${output}`);
  });
  return last!;
}

async function say(text: string): Promise<string> {
  const nick = await page.inputValue('#nick');
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  return `${nick}: ${text}`;
}

// ---- the walk-through ----------------------------------------------------------------------

/** Chats, kills the server, types while it is down, restarts; `name` names the screenshots. */
async function walkThrough(name: string): Promise<void> {
  const screenshot = join(root, 'test-artifacts', `${name}.png`);
  await waitForBadge((b) => b.state === 'open' && b.text === 'open', 10_000, 'the badge to say open');
  // One connection for the page (for the React page: under StrictMode, with three components on the socket).
  await until(async () => (await page.textContent('#server')) === 'chat server: running (1 connected)', 5000, 'the server to count one client');
  const hello = await say('hello from the test');
  await until(async () => (await delivered()).includes(hello), 5000, 'the first message to come back from the server');

  // Kill: the connection drops without a closing handshake; the badge counts down.
  await page.click('#kill');
  await until(async () => (await page.textContent('#server')) === 'chat server: down', 5000, 'the server to be down');
  const countdown = await waitForBadge((b) => /^reconnecting in \d+\.\d s$/.test(b.text), 10_000, 'the badge to count down');
  expect(countdown.state).toBe('reconnecting');
  expect(await page.textContent('#chat')).toContain('connection lost (code 1006, no closing handshake)');

  // The countdown is live: within one scheduled retry, the number goes down.
  const seconds = (b: Badge) => Number(/in (\d+\.\d) s/.exec(b.text)?.[1] ?? NaN);
  const ticks: Badge[] = [];
  await until(
    async () => {
      ticks.push(await badge());
      const [a, b] = ticks.slice(-2);
      return !!a && !!b && a.state === 'reconnecting' && b.state === 'reconnecting' && a.retry === b.retry && seconds(b) < seconds(a);
    },
    10_000,
    'the countdown to tick',
  );

  // Typed while down: queued, and the badge says so.
  const queuedLine = await say('typed while the server was down');
  await waitForBadge((b) => b.queued === 'queued 1', 2000, 'the badge to say queued 1');
  expect(await pending()).toEqual([{ text: queuedLine, status: 'queued' }]);
  expect(await delivered()).not.toContain(queuedLine);
  await sleep(300); // still down: nothing is delivered meanwhile
  expect((await badge()).queued).toBe('queued 1');
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-down.png') });

  // Restart: the client finds the server by itself, flushes the queue, and the line comes back.
  await page.click('#restart');
  await until(async () => (await page.textContent('#server'))?.startsWith('chat server: running') ?? false, 5000, 'the server to be up');
  // The next retry may be up to a few seconds away (backoff with jitter, the library's defaults).
  await waitForBadge((b) => b.state === 'open' && b.text === 'open' && b.queued === null, 12_000, 'the badge to say open again');
  await until(async () => (await delivered()).includes(queuedLine), 5000, 'the queued message to come back from the server');
  expect(await pending()).toEqual([]);
  expect(await delivered()).toEqual([hello, queuedLine]);
  expect(await page.textContent('#chat')).toMatch(/connected again \(reconnect #1\)/);
  await until(async () => (await page.textContent('#server')) === 'chat server: running (1 connected)', 5000, 'one client again');

  await page.screenshot({ path: screenshot });
  expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  expect(pageErrors).toEqual([]);
}

describe('npm run demo:web in Chromium', () => {
  onPage('/');
  it('chats, rides out a killed server with a live countdown and a queue, and delivers after the restart', async () => {
    // The script-tag build is what the page runs on.
    expect(await page.evaluate(() => typeof (window as unknown as { SteadySocket?: unknown }).SteadySocket)).toBe('function');
    await walkThrough('web-demo');
  }, 40_000);
});

/** What Chromium and the library say while the server is down, and nothing else (no React warning). */
const EXPECTED = [/^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/' failed/, /^steadysocket: CONNECTION_ERROR: /];

describe('examples/react-chat.tsx as the React page of npm run demo:web, in Chromium', () => {
  describe.each(['19', '18'])('React %s', (major) => {
    onPage(`/react?react=${major}`);
    it('walks through the same chat on the hooks under StrictMode, with one connection and no React warning', async () => {
      await until(async () => (await page.textContent('h1')) === 'steadysocket chat (React)', 10_000, 'the React page to render');
      await walkThrough(`web-demo-react-${major}`);
      expect(consoleLines.filter((line) => !EXPECTED.some((pattern) => pattern.test(line)))).toEqual([]);
    }, 40_000);
  });
});
