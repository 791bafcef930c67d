/**
 * Starts a headless Chromium (see find-chromium.ts for which one) and attaches Playwright
 * to it over CDP.
 *
 * Why not `chromium.launch()`: Playwright enables `Emulation.setFocusEmulationEnabled` on
 * every page it creates, and in Chromium focus emulation also holds the page "captured",
 * which keeps `document.visibilityState` at 'visible' whatever happens — another tab in
 * front, a minimized window. `connectOverCDP(..., { noDefaults: true })` leaves the default
 * context's pages alone, so they hide and show as in a real browser (and are throttled when
 * hidden, as real background tabs are). The CDP port is on 127.0.0.1 and chosen by Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { findChromium, type FoundChromium } from './find-chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-dev-shm-usage',
];

export interface RunningChromium {
  browser: Browser;
  /** The default context: its pages are real tabs of one window, without Playwright's overrides. */
  context: BrowserContext;
  /** Which browser this is: a headless shell has no tab strip (see find-chromium.ts). */
  found: FoundChromium;
  close(): Promise<void>;
}

export async function startChromium(): Promise<RunningChromium> {
  const found = await findChromium();
  const headless = found.kind === 'full' ? '--headless=new' : '--headless';
  const userDataDir = await mkdtemp(join(tmpdir(), 'steadysocket-chromium-'));
  const args = [headless, ...ARGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'];
  const child = spawn(found.executable, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit').catch(() => undefined);
  try {
    const endpoint = await devToolsEndpoint(child, 30_000);
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, isLocal: true, timeout: 30_000 });
    const context = browser.contexts()[0];
    if (!context) throw new Error('Chromium has no default context');
    const close = async () => {
      try {
        const session = await browser.newBrowserCDPSession();
        await session.send('Browser.close');
      } catch {
        // already gone
      }
      await stop(child, exited);
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 5 });
    };
    return { browser, context, found, close };
  } catch (error) {
    await stop(child, exited);
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 5 });
    throw error;
  }
}

/** Waits up to 5 s for the process we started to exit, then kills it by its pid. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5000)));
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Reads Chromium's stderr for "DevTools listening on ws://…", and keeps draining it after. */
function devToolsEndpoint(child: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let found = false;
    const timer = setTimeout(() => fail(new Error(`Chromium printed no DevTools endpoint within ${ms} ms`)), ms);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`${error.message}\n${output.slice(-2000)}`));
    };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (found) return;
      output += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        found = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`Chromium exited early (code ${code}, signal ${signal})`)));
  });
}
