/**
 * The built bundles in a real headless Chromium (see find-chromium.ts for which one), against a
 * real `ws` server on 127.0.0.1:
 * - dist/steadysocket.umd.min.js from a plain <script src> (global `SteadySocket`, with
 *   `SteadySocket.channels` from the channels entry);
 * - dist/steadysocket.mjs and dist/channels.mjs from <script type="module">, no import map
 *   (they import nothing outside the package).
 * Assumes dist/ is built (`npm test` builds it first).
 *
 * How the page lifecycle is driven, found by trying (Chromium 150):
 * - Offline/online: CDP `Network.emulateNetworkConditions { offline }` on the page's session.
 *   It flips navigator.onLine and fires window `offline`/`online`; new WebSocket attempts fail
 *   at once (1006); an open WebSocket is NOT closed: its frames are held until back online.
 *   (`Network.overrideNetworkState` fires the events without blocking anything;
 *   `Network.emulateNetworkConditionsByRule` blocks without firing them.)
 * - Hidden/visible: another tab in front (`Target.createTarget` via context.newPage(), then
 *   `Page.bringToFront`), or `Browser.setWindowBounds { windowState: 'minimized' | 'normal' }`.
 *   Both change document.visibilityState (a headless shell has no tab strip: only the minimized
 *   window hides it) and fire `visibilitychange` — but only on pages
 *   without Playwright's focus emulation, hence connectOverCDP (see chromium.ts).
 *   `Emulation.setFocusEmulationEnabled` changes focus only; `Page.setWebLifecycleState`
 *   frozen → active fires `freeze`/`resume` and leaves the page hidden.
 *
 * Liveness is judged by wall-clock deadlines (Chromium throttles timers of hidden tabs).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startChromium, type RunningChromium } from './chromium';
import { EchoServer, StaticServer, sleep, until } from './servers';

// ---- what the page exposes (test/browser/pages/harness.js) -----------------------------

interface PageSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  readonly stats: { queued: number };
  send(data: unknown): boolean;
  close(): void;
}

/** The channel client the page puts on each socket (`channels(socket)`). */
interface PageChannels {
  channel(name: string): { send(data: unknown): boolean };
  request(name: string, data: unknown, options?: { timeout?: number }): Promise<unknown>;
}

type SocketEvent =
  | { type: 'open'; at: number }
  | { type: 'close'; at: number; code: number; wasClean: boolean; willReconnect: boolean }
  | { type: 'error'; at: number; code: string }
  | { type: 'reconnecting'; at: number; attempt: number; delay: number }
  | { type: 'state'; at: number; state: string; previous: string }
  | { type: 'heartbeat'; at: number; rtt: number }
  | { type: 'drop'; at: number; reason: string };

type Inbound =
  | { kind: 'text'; at: number; text: string }
  | { kind: 'arraybuffer' | 'blob'; at: number; bytes: number[] }
  | { kind: 'other'; at: number; text: string };

interface Report {
  readyState: number;
  state: string;
  binaryType: string;
  bufferedAmount: number;
  stats: { reconnects: number; messagesSent: number; messagesReceived: number; queued: number; dropped: number; rtt: number };
  events: SocketEvent[];
  messages: Inbound[];
  chat: { at: number; channel: string; message: unknown }[];
  invalid: { at: number; reason: string }[];
}

interface LifecycleEntry {
  at: number;
  type: string;
  visibilityState: string;
  onLine: boolean;
}

interface Harness {
  build: 'umd' | 'esm' | null;
  SteadySocket: { name: string } | null;
  exports: { SteadySocketError: unknown; backoffDelay: unknown; channels: unknown } | null;
  lifecycle: LifecycleEntry[];
  errors: string[];
  open(name: string, url: string, options?: object, binaryType?: string): number;
  socket(name: string): PageSocket;
  api(name: string): PageChannels;
  listen(name: string, channel: string): void;
  report(name: string): Promise<Report>;
  closeAll(): void;
}

declare global {
  interface Window {
    harness: Harness;
  }
}

// ---- fixtures --------------------------------------------------------------------------

const server = new EchoServer();
const site = new StaticServer();
let chrome: RunningChromium | undefined;

beforeAll(async () => {
  await Promise.all([server.start(), site.start()]);
  chrome = await startChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await Promise.all([server.stop(), site.stop()]);
}, 30_000);

const ONLINE = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
const OFFLINE = { ...ONLINE, offline: true };

for (const build of ['umd', 'esm'] as const) {
  describe(`${build} build in Chromium`, { timeout: 60_000 }, () => {
    let page: Page;
    let cdp: CDPSession;
    const pageErrors: string[] = [];

    const report = (name: string) => page.evaluate((n) => window.harness.report(n), name);
    const open = (name: string, tag: string, options: object = {}, binaryType?: string) =>
      page.evaluate(([n, u, o, b]) => window.harness.open(n, u, o, b), [name, `${server.url}/${build}-${tag}`, options, binaryType] as const);
    const events = async (name: string, type: SocketEvent['type']) => (await report(name)).events.filter((e) => e.type === type);
    const opens = async (name: string, n: number, ms = 10_000) =>
      until(async () => (await events(name, 'open')).length >= n, ms, `${name}: open #${n}`);
    const lifecycle = () => page.evaluate(() => window.harness.lifecycle.slice());
    const visibility = () => page.evaluate(() => document.visibilityState);
    const count = async (type: string) => (await lifecycle()).filter((e) => e.type === type).length;

    beforeAll(async () => {
      page = await chrome!.context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // For diagnosis only (failed WebSocket attempts log console errors too).
      const consoleErrors: string[] = [];
      page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
      await page.goto(`${site.origin}/pages/${build}.html`);
      await until(() => page.evaluate(() => window.harness.build !== null), 15_000, `the ${build} build to load`).catch((error: Error) => {
        throw new Error(`${error.message}; page errors: ${[...pageErrors, ...consoleErrors].join('; ') || 'none'}`);
      });
      cdp = await chrome!.context.newCDPSession(page);
    }, 30_000);

    beforeEach(async () => {
      if (!server.running) await server.start();
      await page.bringToFront();
    });

    afterAll(async () => {
      await cdp?.send('Network.emulateNetworkConditions', ONLINE).catch(() => {});
      await page?.evaluate(() => window.harness.closeAll()).catch(() => {});
      await page?.close();
    }, 15_000);

    it('loads and exposes the class and its exports', async () => {
      const loaded = await page.evaluate(() => {
        const h = window.harness;
        return {
          build: h.build,
          name: h.SteadySocket?.name,
          error: typeof h.exports?.SteadySocketError,
          backoff: typeof h.exports?.backoffDelay,
          channels: typeof h.exports?.channels,
          global: typeof (window as unknown as { SteadySocket?: unknown }).SteadySocket,
          sameGlobal: (window as unknown as { SteadySocket?: unknown }).SteadySocket === h.SteadySocket,
        };
      });
      expect(loaded).toMatchObject({ build, name: 'SteadySocket', error: 'function', backoff: 'function', channels: 'function' });
      // Only the script-tag build defines a global.
      if (build === 'umd') expect(loaded).toMatchObject({ global: 'function', sameGlobal: true });
      else expect(loaded.global).toBe('undefined');
    });

    it('survives a server restart, delivering what was sent during the outage in order', async () => {
      const tag = `${build}-restart`;
      await open('restart', 'restart', { minDelay: 50, maxDelay: 500 }, 'arraybuffer');
      await opens('restart', 1);
      await page.evaluate(() => window.harness.socket('restart').send('before'));
      await until(() => server.texts(tag).includes('before'), 5000, 'the server to get "before"');

      await server.stop();
      await until(
        async () => (await events('restart', 'close')).some((e) => e.type === 'close' && e.willReconnect),
        10_000,
        'the client to notice the drop',
      );
      const queued = await page.evaluate(() => {
        const s = window.harness.socket('restart');
        const results = [
          s.send('q1'),
          s.send('q2 é'),
          s.send(new Uint8Array([1, 2, 3]).buffer),
          s.send(new Blob([new Uint8Array([4, 5, 6, 7])])),
          s.send(new Uint8Array([9, 8, 7, 6, 5]).subarray(1, 3)),
          s.send('q3'),
        ];
        return { results, readyState: s.readyState, bufferedAmount: s.bufferedAmount, queued: s.stats.queued };
      });
      // 'q2 é' is 5 UTF-8 bytes; the view sends its 2 bytes, not its buffer's 5.
      expect(queued).toEqual({ results: [true, true, true, true, true, true], readyState: 0, bufferedAmount: 2 + 5 + 3 + 4 + 2 + 2, queued: 6 });
      await sleep(700); // the client keeps retrying against the dead port meanwhile

      await server.start(); // the same port
      await until(() => (server.of(tag)[1]?.received.length ?? 0) >= 6, 15_000, 'the queued messages on the new connection');
      await page.evaluate(() => window.harness.socket('restart').send('after'));
      await until(() => server.texts(tag).includes('after'), 5000, 'the server to get "after"');

      const [first, second, ...more] = server.of(tag);
      expect(more).toEqual([]);
      expect(first!.received.map((r) => r.data)).toEqual(['before']);
      expect(second!.received.map((r) => (typeof r.data === 'string' ? r.data : [...r.data]))).toEqual([
        'q1',
        'q2 é',
        [1, 2, 3],
        [4, 5, 6, 7],
        [8, 7],
        'q3',
        'after',
      ]);

      // The echoes come back; binary as ArrayBuffer: binaryType survived the reconnect.
      await until(async () => (await report('restart')).messages.length >= 8, 5000, 'the echoes');
      const r = await report('restart');
      expect(r.messages.map((m) => ('bytes' in m ? { [m.kind]: m.bytes } : m.text))).toEqual([
        'before',
        'q1',
        'q2 é',
        { arraybuffer: [1, 2, 3] },
        { arraybuffer: [4, 5, 6, 7] },
        { arraybuffer: [8, 7] },
        'q3',
        'after',
      ]);
      expect(r).toMatchObject({ readyState: 1, binaryType: 'arraybuffer', bufferedAmount: 0 });
      expect(r.stats).toMatchObject({ reconnects: 1, queued: 0, dropped: 0 });
      expect(r.events.filter((e) => e.type === 'drop')).toEqual([]);
    });

    it('exchanges binary data: ArrayBuffer (binaryType arraybuffer) and Blob', async () => {
      const tag = `${build}-binary`;
      await open('binary', 'binary', {}, 'arraybuffer');
      await opens('binary', 1);
      const all = Array.from({ length: 256 }, (_, i) => i);

      const sent = await page.evaluate(() => {
        const bytes = new Uint8Array(256);
        for (let i = 0; i < 256; i++) bytes[i] = i;
        return window.harness.socket('binary').send(bytes.buffer);
      });
      expect(sent).toBe(true);
      await until(async () => (await report('binary')).messages.length >= 1, 5000, 'the ArrayBuffer echo');
      expect((await report('binary')).messages[0]).toMatchObject({ kind: 'arraybuffer', bytes: all });

      const blobBytes = [255, 0, 128, ...Buffer.from('hé ✓')];
      await page.evaluate(() => {
        const s = window.harness.socket('binary');
        s.binaryType = 'blob';
        s.send(new Blob([new Uint8Array([255, 0, 128]), 'hé ✓'], { type: 'application/octet-stream' }));
      });
      await until(async () => (await report('binary')).messages.length >= 2, 5000, 'the Blob echo');
      const r = await report('binary');
      expect(r.messages[1]).toMatchObject({ kind: 'blob', bytes: blobBytes });
      expect(r.binaryType).toBe('blob');

      const received = server.of(tag).flatMap((c) => c.received.map((m) => m.data));
      expect(received.map((d) => (Buffer.isBuffer(d) ? [...d] : d))).toEqual([all, blobBytes]);
    });

    it('speaks a typed channel and a request over the default envelope', async () => {
      const tag = `${build}-channel`;
      await open('channel', 'channel');
      // Sent before the connection opens: through the same queue.
      const queued = await page.evaluate(() => {
        window.harness.listen('channel', 'chat');
        return window.harness.api('channel').channel('chat').send({ text: 'hi' });
      });
      expect(queued).toBe(true);
      await until(async () => (await report('channel')).chat.length >= 1, 10_000, 'the chat echo');
      expect(server.texts(tag)).toEqual(['{"channel":"chat","data":{"text":"hi"}}']);

      const connection = server.of(tag)[0]!;
      connection.socket.send(JSON.stringify({ channel: 'chat', data: { from: 'server', text: 'pushed' } }));
      connection.socket.send(JSON.stringify({ channel: 'nobody', data: 1 }));
      connection.socket.send('not json');
      connection.socket.send(JSON.stringify({ channel: 'chat', data: { from: 'server', text: 'last' } }));
      await until(async () => (await report('channel')).chat.length >= 3, 5000, 'the pushed chat messages');

      const reply = await page.evaluate(() => window.harness.api('channel').request('time', { zone: 'UTC' }, { timeout: 5000 }));
      expect(reply).toMatchObject({ zone: 'UTC', now: expect.any(Number) });
      expect(JSON.parse(server.texts(tag)[1]!)).toEqual({ channel: 'time', id: expect.any(Number), data: { zone: 'UTC' } });

      const r = await report('channel');
      expect(r.chat.map((c) => c.message)).toEqual([{ text: 'hi' }, { from: 'server', text: 'pushed' }, { from: 'server', text: 'last' }]);
      expect(r.invalid.map((i) => i.reason)).toEqual(['unknown-channel', 'undecodable']);
      // Raw listeners still see every message, envelopes included.
      expect(r.messages.filter((m) => m.kind === 'text')).toHaveLength(6);
    });

    it('skips the reconnect wait when the browser comes back online (CDP network emulation)', async () => {
      const tag = `${build}-online`;
      await open('online', 'online', { minDelay: 20_000, maxDelay: 20_000, jitter: 'none' });
      await opens('online', 1);

      await server.stop();
      await until(async () => (await events('online', 'reconnecting')).length >= 1, 10_000, 'the reconnect to be scheduled');
      const [scheduled] = await events('online', 'reconnecting');
      expect(scheduled).toMatchObject({ type: 'reconnecting', attempt: 1 });
      const wait = (scheduled as { delay: number }).delay;
      expect(wait).toBeGreaterThanOrEqual(19_000);

      const offlines = await count('offline');
      try {
        await cdp.send('Network.emulateNetworkConditions', OFFLINE);
        await until(async () => (await count('offline')) > offlines, 5000, 'the offline event');
        expect(await page.evaluate(() => navigator.onLine)).toBe(false);

        await server.start();
        await sleep(1000);
        // The server is back, but the client is still waiting out its 20 s.
        expect(server.of(tag)).toHaveLength(1);
        expect((await report('online')).state).toBe('reconnecting');

        const wentOnline = Date.now();
        await cdp.send('Network.emulateNetworkConditions', ONLINE);
        await until(() => server.of(tag).length >= 2, 5000, 'a connection attempt right after going online');
        const connectedAt = server.of(tag)[1]!.openedAt;
        expect(connectedAt - wentOnline).toBeLessThan(3000);
        expect(connectedAt - scheduled!.at).toBeLessThan(wait / 2);

        await opens('online', 2);
        const online = (await lifecycle()).filter((e) => e.type === 'online' && e.at >= wentOnline);
        expect(online).toHaveLength(1);
        expect(online[0]!.onLine).toBe(true);
        const connecting = (await events('online', 'state')).filter((e) => e.type === 'state' && e.state === 'connecting' && e.at >= scheduled!.at);
        expect(connecting[0]!.at - online[0]!.at).toBeLessThan(1000);
      } finally {
        await cdp.send('Network.emulateNetworkConditions', ONLINE);
      }
    });

    it('verifies an open connection with a heartbeat probe when the browser comes back online', async () => {
      const tag = `${build}-online-probe`;
      await open('onlineProbe', 'online-probe', { heartbeat: { interval: 60_000, timeout: 10_000 } });
      await opens('onlineProbe', 1);
      const [offlines, onlines] = [await count('offline'), await count('online')];
      try {
        await cdp.send('Network.emulateNetworkConditions', OFFLINE);
        await until(async () => (await count('offline')) > offlines, 5000, 'the offline event');
        await sleep(500);
        expect(server.pings(tag)).toEqual([]);

        const wentOnline = Date.now();
        await cdp.send('Network.emulateNetworkConditions', ONLINE);
        await until(() => server.pings(tag).length >= 1, 5000, 'a ping right after going online');
        expect(server.pings(tag)[0]! - wentOnline).toBeLessThan(3000);
        expect(await count('online')).toBe(onlines + 1);
        await until(async () => (await events('onlineProbe', 'heartbeat')).length >= 1, 5000, 'the pong');
        // The open connection survived (Chromium holds, not kills, WebSockets while offline).
        expect(server.of(tag)).toHaveLength(1);
        const r = await report('onlineProbe');
        expect(r.messages).toEqual([]); // the pong is not a message
        expect(r.stats.reconnects).toBe(0);
      } finally {
        await cdp.send('Network.emulateNetworkConditions', ONLINE);
      }
    });

    it('probes the connection at once when the page becomes visible again', async () => {
      const tag = `${build}-visible`;
      await open('visible', 'visible', { heartbeat: { interval: 60_000, timeout: 10_000 } });
      await opens('visible', 1);
      expect(await visibility()).toBe('visible');

      /** Hides the page, checks nothing is sent while hidden, shows it: a ping must follow at once. */
      const hideAndShow = async (hide: () => Promise<void>, show: () => Promise<void>, pings: number) => {
        await hide();
        await until(async () => (await visibility()) === 'hidden', 5000, 'the page to be hidden');
        await sleep(1500);
        expect(server.pings(tag)).toHaveLength(pings);
        const shown = Date.now();
        await show();
        await until(() => server.pings(tag).length > pings, 5000, 'a ping right after the page became visible');
        const pingAt = server.pings(tag)[pings]!;
        expect(pingAt - shown).toBeLessThan(3000); // the interval is 60 s
        const visible = (await lifecycle()).filter((e) => e.type === 'visibilitychange' && e.visibilityState === 'visible').pop()!;
        expect(visible.at).toBeGreaterThanOrEqual(shown - 10);
        expect(pingAt).toBeGreaterThanOrEqual(visible.at - 10);
        await until(async () => (await events('visible', 'heartbeat')).length > pings, 5000, 'the pong');
      };

      // Another tab in front (Target.createTarget), then this one again (Page.bringToFront).
      // A headless shell (@sparticuz/chromium) has no tab strip: there a tab in front hides
      // nothing, and only the minimized window below hides the page.
      let pings = 0;
      if (chrome!.found.kind === 'full') {
        let other: Page | undefined;
        try {
          await hideAndShow(
            async () => void (other = await chrome!.context.newPage()),
            () => page.bringToFront(),
            pings++,
          );
        } finally {
          await other?.close();
        }
      }

      // The window minimized, then restored.
      const browserSession = await chrome!.browser.newBrowserCDPSession();
      try {
        const { targetInfo } = await cdp.send('Target.getTargetInfo');
        const { windowId } = await browserSession.send('Browser.getWindowForTarget', { targetId: targetInfo.targetId });
        const setState = async (windowState: 'minimized' | 'normal') => {
          await browserSession.send('Browser.setWindowBounds', { windowId, bounds: { windowState } });
        };
        try {
          await hideAndShow(
            () => setState('minimized'),
            () => setState('normal'),
            pings++,
          );
        } finally {
          await setState('normal');
        }
      } finally {
        await browserSession.detach();
      }

      const r = await report('visible');
      expect(server.of(tag)).toHaveLength(1);
      expect(r.stats.reconnects).toBe(0);
      expect(r.messages).toEqual([]);
      expect(r.events.filter((e) => e.type === 'heartbeat')).toHaveLength(pings);
    });

    it('raised no uncaught error or unhandled rejection in the page', async () => {
      expect(pageErrors).toEqual([]);
      expect(await page.evaluate(() => window.harness.errors)).toEqual([]);
    });
  });
}
