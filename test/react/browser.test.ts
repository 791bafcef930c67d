/**
 * steadysocket/react in a real headless Chromium (see test/browser/find-chromium.ts), with
 * React 18 and React 19, every app under <StrictMode> in development builds (where StrictMode
 * mounts, cleans up and mounts again, and renders twice), against a real `ws` server on
 * 127.0.0.1, port 0, that counts handshakes (test/browser/servers.ts EchoServer: echoes,
 * answers `time` requests). The app is test/react/fixtures/browser-app.tsx over the built
 * dist/react.mjs (`npm test` builds first), bundled by esbuild per React version.
 *
 * The console is read at the source, twice over: Playwright's console events
 * (console.warn/error, React's warnings) and CDP's Log domain (what Chromium itself reports,
 * such as "WebSocket is closed before the connection is established", the StrictMode symptom
 * of other libraries). A first test proves the capture sees that warning.
 *
 * Liveness is judged by wall-clock deadlines, with the page in front: Chromium throttles the
 * timers of hidden tabs.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChromium, type RunningChromium } from '../browser/chromium';
import { EchoServer, sleep, until } from '../browser/servers';
import { ORPHAN_MS } from '../../src/react/registry';
import { bundleApp, MAJORS, type ReactMajor } from './bundle';
import type { ClientProps, Harness } from './fixtures/browser-app';

let chrome: RunningChromium | undefined;
let site: HttpServer | undefined;
let origin = '';
const server = new EchoServer();
/** A port nothing listens on: connections to it are refused. */
let deadPort = 0;

const PAGE = (major: ReactMajor) =>
  `<!doctype html><meta charset="utf-8"><title>steadysocket/react, React ${major}</title><div id="root"></div><script src="/app-${major}.js"></script>`;

beforeAll(async () => {
  const bundles = new Map<string, string>();
  for (const major of MAJORS) bundles.set(`/app-${major}.js`, await bundleApp('react/fixtures/browser-app.tsx', major, 'browser'));
  site = createServer((request, response) => {
    const path = request.url ?? '/';
    const major = /^\/(18|19)$/.exec(path)?.[1];
    const script = bundles.get(path);
    if (major) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(Number(major) as ReactMajor));
    else if (script) response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    else response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  [chrome] = await Promise.all([startChromium(), server.start()]);
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await server.stop();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
}, 20_000);

describe.each(MAJORS)('steadysocket/react with React %i under StrictMode, in Chromium', (major) => {
  let page: Page;
  /** Warnings and errors from the page, as `source: text`. */
  const logged: string[] = [];
  const tag = (name: string) => `${name}-${major}`;
  const urlOf = (name: string) => `${server.url}/${tag(name)}`;

  type Call = { [K in keyof Harness]: (...args: Parameters<Harness[K]>) => Promise<Awaited<ReturnType<Harness[K]>>> };
  const call = <K extends keyof Harness>(name: K, ...args: Parameters<Harness[K]>): ReturnType<Call[K]> =>
    page.evaluate(
      ([n, a]) => {
        const h = (window as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness;
        return h[n]!(...a);
      },
      [name as string, args as unknown[]] as const,
    ) as ReturnType<Call[K]>;
  const render = (clients: ClientProps[]) => call('render', clients);
  const read = () => call('read');

  /** Waits until `predicate` holds for what the components show. */
  async function shows(predicate: (view: Record<string, Record<string, string>>) => boolean, ms: number, what: string) {
    let last: unknown;
    await until(async () => predicate((last = (await read()) as Record<string, Record<string, string>>)), ms, what).catch((error: Error) => {
      throw new Error(`${error.message}; page shows ${JSON.stringify(last)}; console: ${logged.join(' / ') || 'clean'}`);
    });
  }
  const states = async () => Object.values(await read()).map((v) => v.state);
  const open = (name: string) => server.of(tag(name)).filter((c) => c.closedAt === undefined);

  beforeAll(async () => {
    page = await chrome!.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error') logged.push(`console.${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => logged.push(`pageerror: ${error.message}`));
    const cdp = await page.context().newCDPSession(page);
    cdp.on('Log.entryAdded', ({ entry }) => {
      if (entry.level === 'warning' || entry.level === 'error') logged.push(`${entry.source}: ${entry.text}`);
    });
    await cdp.send('Log.enable');
    await page.goto(`${origin}/${major}`);
    await page.bringToFront();
    expect((await call('version')).split('.')[0]).toBe(String(major));
  }, 30_000);

  afterAll(async () => {
    await call('unmount').catch(() => {});
    await page?.close();
  });

  it('captures the console: a native WebSocket closed while connecting is warned about', async () => {
    await page.evaluate((url) => new WebSocket(url).close(), `${server.url}/native-probe`);
    await until(() => logged.some((line) => /closed before the connection is established/.test(line)), 5000, 'the warning to be captured');
    logged.length = 0;
  });

  it('three components on one URL: one handshake, one open connection, open in each, a clean console; a killed server shows reconnecting, a restart open again and delivers what was sent meanwhile; unmounting closes within a second', async () => {
    const url = urlOf('three');
    await render(['a', 'b', 'c'].map((id) => ({ id, url })));
    await shows((v) => Object.values(v).length === 3 && Object.values(v).every((c) => c.state === 'open'), 10_000, 'all three to be open');
    expect(server.of(tag('three'))).toHaveLength(1);
    expect(open('three')).toHaveLength(1);
    expect(new Set(await Promise.all(['a', 'b', 'c'].map((id) => call('socketOf', id)))).size).toBe(1);
    // StrictMode's second effect run added no second listener either: one per hook and component.
    expect(await call('listeners', 'a', 'state')).toBe(6); // useConnectionState and useSocketStats, in each of three
    expect(logged).toEqual([]);

    await call('send', 'a', 'hello');
    // useSocketStats: a stable snapshot (a fresh `stats` object per read would loop useSyncExternalStore), updated by the message.
    await shows((v) => Object.values(v).every((c) => c.last === 'hello' && c.received === '1'), 5000, 'the echo in each');

    await server.stop();
    await shows((v) => Object.values(v).every((c) => c.state === 'reconnecting' || c.state === 'connecting'), 5000, 'reconnecting in each');
    expect(await call('closes', 'b')).toContain(1006);
    expect(await call('send', 'b', 'sent while down')).toBe(true);
    await shows((v) => Object.values(v).every((c) => c.queued === '1'), 2000, 'queued 1 in each');

    await server.start();
    await shows((v) => Object.values(v).every((c) => c.state === 'open' && c.queued === '0'), 10_000, 'open again in each');
    await until(() => server.texts(tag('three')).includes('sent while down'), 5000, 'the message sent while down to arrive');
    expect(server.texts(tag('three'))).toEqual(['hello', 'sent while down']);
    expect(open('three')).toHaveLength(1);
    await shows((v) => Object.values(v).every((c) => c.last === 'sent while down' && c.received === '2'), 5000, 'its echo in each');

    const unmountedAt = Date.now();
    await call('unmount');
    await until(() => open('three').length === 0, 1000, 'the server to see the connection closed');
    const closedAt = server.of(tag('three')).at(-1)!.closedAt!;
    expect(closedAt - unmountedAt).toBeLessThan(1000);
    expect(server.of(tag('three'))).toHaveLength(2); // the first, and the one after the restart
    // Only the browser's own reports of the refused attempts while the server was down.
    expect(logged.filter((line) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/three-\d+' failed/.test(line))).toEqual([]);
    logged.length = 0;
  }, 60_000);

  it('shares one socket between components that come and go, and closes it after the last', async () => {
    const url = urlOf('shared');
    await render([{ id: 'first', url }]);
    await shows((v) => v.first?.state === 'open', 10_000, 'the first to be open');
    await render([{ id: 'first', url }, { id: 'second', url }]);
    await shows((v) => v.second?.state === 'open', 2000, 'the second to be open');
    expect(await call('socketOf', 'first')).toBe(await call('socketOf', 'second'));
    await render([{ id: 'second', url }]); // the first unmounts: the socket stays for the second
    await sleep(300);
    expect(open('shared')).toHaveLength(1);
    await call('send', 'second', 'still here');
    await shows((v) => v.second?.last === 'still here', 5000, 'the echo');
    await render([]);
    await until(() => open('shared').length === 0, 1000, 'the close after the last unmounts');
    expect(server.of(tag('shared'))).toHaveLength(1);
    expect(logged).toEqual([]);
  }, 30_000);

  it("moves to a new URL with what was queued, unless another component still uses the old socket", async () => {
    const dead = `ws://127.0.0.1:${deadPort}/${tag('dead')}`;
    await render([{ id: 'mover', url: dead }]);
    await shows((v) => v.mover?.state === 'reconnecting', 5000, 'the refused socket to wait for a retry');
    await call('send', 'mover', 'q1');
    await call('send', 'mover', 'q2');
    await shows((v) => v.mover?.queued === '2', 2000, 'queued 2');
    await render([{ id: 'mover', url: urlOf('moved') }]);
    await shows((v) => v.mover?.state === 'open' && v.mover.queued === '0', 10_000, 'open on the new URL');
    await until(() => server.texts(tag('moved')).length === 2, 5000, 'the queued messages on the new URL');
    expect(server.texts(tag('moved'))).toEqual(['q1', 'q2']);
    expect(server.of(tag('moved'))).toHaveLength(1);

    // Shared: the old socket keeps its queue for the component that stays.
    await render([{ id: 'leaver', url: dead }, { id: 'stayer', url: dead }]);
    await shows((v) => v.leaver?.state === 'reconnecting' && v.stayer?.state === 'reconnecting', 5000, 'both waiting for a retry');
    await call('send', 'leaver', 'for the old URL');
    await render([{ id: 'leaver', url: urlOf('left') }, { id: 'stayer', url: dead }]);
    await shows((v) => v.leaver?.state === 'open', 10_000, 'the leaver open on its new URL');
    await sleep(300);
    expect(server.texts(tag('left'))).toEqual([]);
    expect((await read()).stayer?.queued).toBe('1');
    expect(await call('errors', 'stayer')).toContain('CONNECTION_ERROR');
    await render([]);
    // Unmounted with a message still waiting: its drop is reported (nothing listens any more).
    await until(() => logged.some((line) => /a message was dropped \(closed\)/.test(line)), 2000, 'the drop to be reported');
    const expected = [/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/dead-\d+' failed/, /steadysocket: a message was dropped \(closed\)/];
    expect(logged.filter((line) => !expected.some((pattern) => pattern.test(line)))).toEqual([]);
    logged.length = 0;
  }, 40_000);

  it('holds the socket closed while enabled is false, connects with what waited when true, and closes again when false', async () => {
    const url = urlOf('switch');
    await render([{ id: 'switch', url, enabled: false }]);
    await shows((v) => v.switch?.state === 'closed', 2000, 'closed');
    await call('send', 'switch', 'waited');
    await shows((v) => v.switch?.queued === '1', 2000, 'queued 1');
    await sleep(300);
    expect(server.of(tag('switch'))).toHaveLength(0);

    await render([{ id: 'switch', url, enabled: true }]);
    await shows((v) => v.switch?.state === 'open' && v.switch.queued === '0', 10_000, 'open');
    await until(() => server.texts(tag('switch')).length === 1, 5000, 'what waited to arrive');
    expect(server.texts(tag('switch'))).toEqual(['waited']);
    expect(server.of(tag('switch'))).toHaveLength(1);

    await render([{ id: 'switch', url, enabled: false }]);
    await shows((v) => v.switch?.state === 'closed', 2000, 'closed again');
    await until(() => open('switch').length === 0, 1000, 'the server to see it closed');
    await render([]);
    expect(logged).toEqual([]);
  }, 30_000);

  it('closes a socket made by a render that never commits (Suspense) after ORPHAN_MS', async () => {
    await render([{ id: 'orphan', url: urlOf('orphan'), suspends: true }]);
    await shows((v) => v.orphan?.state === 'suspended', 2000, 'the fallback');
    // Made during render, its first attempt runs: a thrown-away render costs a connection, for a while.
    await until(() => server.of(tag('orphan')).length > 0, 5000, 'the orphan to connect');
    const madeAt = server.of(tag('orphan'))[0]!.openedAt;
    await until(() => server.of(tag('orphan')).every((c) => c.closedAt !== undefined), ORPHAN_MS + 3000, 'the orphan to be closed');
    const lived = server.of(tag('orphan'))[0]!.closedAt! - madeAt;
    expect(lived).toBeGreaterThan(ORPHAN_MS - 1000);
    // Retried renders look the same socket up while it lives: one connection, not one per render.
    expect(server.of(tag('orphan'))).toHaveLength(1);
    await render([]);
    expect(logged).toEqual([]);
  }, ORPHAN_MS + 15_000);

  it('channel hooks: one client per socket under StrictMode, a channel and a request', async () => {
    const url = urlOf('channels');
    await render([{ id: 'chat', url, channels: true }]);
    await shows((v) => v.chat?.state === 'open', 10_000, 'open');
    // useSocketStats, useLastMessage and one channel client: a leaked second client would add one.
    expect(await call('listeners', 'chat', 'message')).toBe(3);
    expect(await call('chat', 'chat', 'hi')).toBe(true);
    await call('chat', 'chat', 'there');
    await shows((v) => v.chat?.chat === 'hi|there' && v.chat['chatLast'] === 'there', 5000, 'both chat messages back');
    await call('time', 'chat', 'UTC');
    await shows((v) => v.chat?.['timeZone'] === 'UTC' && v.chat['timeLoading'] === 'false' && v.chat['timeError'] === '', 5000, 'the reply');
    await render([]);
    await until(() => open('channels').length === 0, 1000, 'closed');
    expect(server.of(tag('channels'))).toHaveLength(1);
    expect(logged).toEqual([]);
  }, 30_000);
});
