import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { loadConfig, mergeConfig, runBuild } from 'metro';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestServer, until } from '../integration/server';

// steadysocket in React Native: Metro resolves the package through its `react-native`
// export condition and bundles it, and the bundle runs in a realm that has only the globals
// React Native gives an app, against a real `ws` server on 127.0.0.1.

// No trailing slash: Metro misreads a projectRoot that has one.
const root = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const fixture = (file: string) => join(root, 'test', 'runtimes', 'fixtures', file);
const dist = (file: string) => join(root, 'dist', file);

// ---------------------------------------------------------------------------------------
// Metro
// ---------------------------------------------------------------------------------------

/** One resolution of 'steadysocket', as configured and under what-if variations of it. */
interface Resolutions {
  conditionNames: string[];
  isESMImport: boolean | undefined;
  /** What Metro used for the fixture's `import { SteadySocket } from 'steadysocket'`. */
  imported: string;
  /** The same config, from a `require('steadysocket')`. */
  required: string;
  /** `require('steadysocket')` without the react-native condition (what plain Node gets). */
  requiredWithoutReactNative: string;
  /** Package exports off (Metro before 0.82, React Native before 0.79): the "react-native" field. */
  withoutPackageExports: string;
  /** 'steadysocket/react' from the same place, as an app's hooks import it (the app bundles no React here). */
  reactEntry: string;
}

interface Bundle {
  code: string;
  /** Absolute paths of every module in the bundle (the source map's sources). */
  modules: string[];
  resolutions: Resolutions[];
}

type ResolverContext = {
  readonly unstable_conditionNames: readonly string[];
  readonly isESMImport?: boolean;
  readonly originModulePath: string;
  readonly resolveRequest: (context: ResolverContext, moduleName: string, platform: string | null) => { type: string; filePath?: string };
  readonly [key: string]: unknown;
};

/**
 * Bundles `entry` (a file in fixtures/) for iOS as a release build (dev off, minified), with the
 * settings an app's metro.config.js has for package exports, and no React Native installed:
 * - resolver: package exports on, the 'react-native' condition (Metro adds 'import' or
 *   'require' per import itself), main fields as @react-native/metro-config sets them, and
 *   `extraNodeModules` so that 'steadysocket' resolves to this repository (/work/main), as
 *   an npm- or workspace-linked copy would;
 * - no watchman (`useWatchman: false`: Metro crawls with Node's fs), no cache on disk;
 * - the transformer is Metro's default (metro-transform-worker + metro-babel-transformer,
 *   which parses with @babel/core and applies no preset). React Native's babel preset is
 *   what normally turns `import`/`export` into CommonJS; without it Metro's own
 *   import/export plugin does (`experimentalImportSupport`), or the bundle keeps `import`
 *   statements and does not parse.
 */
async function bundle(entry = 'rn-entry.js'): Promise<Bundle> {
  const resolutions: Resolutions[] = [];
  const fileMapCache = mkdtempSync(join(tmpdir(), 'steadysocket-metro-'));
  try {
    const loaded = await loadConfig(
      { cwd: root },
      {
        projectRoot: root,
        watchFolders: [root],
        resetCache: true,
        cacheStores: [],
        maxWorkers: 1, // transform in this process
        reporter: { update: () => {} },
        resolver: {
          useWatchman: false,
          unstable_enablePackageExports: true,
          unstable_conditionNames: ['react-native'],
          resolverMainFields: ['react-native', 'browser', 'main'],
          extraNodeModules: { steadysocket: root },
          resolveRequest: ((context: ResolverContext, moduleName: string, platform: string | null) => {
            const resolveWith = (overrides: Record<string, unknown>, name = moduleName) => {
              const resolution = context.resolveRequest({ ...context, ...overrides }, name, platform);
              return resolution.filePath ?? resolution.type;
            };
            // React Native itself is not installed: the examples get a stand-in for its AppState.
            if (moduleName === 'react-native') return { type: 'sourceFile', filePath: fixture('react-native-stub.js') };
            if (moduleName === 'steadysocket') {
              resolutions.push({
                conditionNames: [...context.unstable_conditionNames],
                isESMImport: context.isESMImport,
                imported: resolveWith({}),
                required: resolveWith({ isESMImport: false }),
                requiredWithoutReactNative: resolveWith({ isESMImport: false, unstable_conditionNames: [] }),
                withoutPackageExports: resolveWith({ unstable_enablePackageExports: false }),
                reactEntry: resolveWith({}, 'steadysocket/react'),
              });
            }
            return context.resolveRequest(context, moduleName, platform);
          }) as never,
        },
        transformer: {
          enableBabelRCLookup: false,
          getTransformOptions: async () => ({
            transform: { experimentalImportSupport: true, inlineRequires: false },
          }),
        },
      },
    );
    // Set after loading: the loader's validation does not know this (valid) key.
    const config = mergeConfig(loaded, { fileMapCacheDirectory: fileMapCache } as never);
    const result = (await runBuild(config, {
      entry: fixture(entry),
      platform: 'ios',
      dev: false,
      minify: true,
      sourceMap: true,
      sourceMapUrl: 'rn-entry.map', // a separate map, not inlined into the code
    })) as unknown as { code: string; map: string };
    const map = JSON.parse(result.map) as { sources: string[] };
    return { code: result.code, modules: map.sources, resolutions };
  } finally {
    rmSync(fileMapCache, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The React Native realm
// ---------------------------------------------------------------------------------------

type NativeEvent = { protocol?: string; type?: string; data?: string; code?: number; reason?: string; message?: string };
type NativeHandler = (type: string, event: NativeEvent) => void;

/**
 * React Native's NativeWebSocketModule, backed by `ws`. Like React Native's bridge it
 * passes only strings and numbers into the app's realm (binary data as a byte string), and
 * reports a failed connection as `websocketFailed` and nothing else.
 */
function nativeWebSocketModule() {
  const sockets = new Map<number, WebSocket>();
  const handlers = new Map<number, NativeHandler>();
  const emit = (id: number, type: string, event: NativeEvent) => handlers.get(id)?.(type, event);
  return {
    sockets,
    subscribe(id: number, handler: NativeHandler): () => void {
      handlers.set(id, handler);
      return () => void handlers.delete(id);
    },
    module: {
      connect(url: string, protocols: string[] | null, options: { headers: Record<string, string> }, id: number): void {
        let failed = false;
        const ws = new WebSocket(url, protocols ? [...protocols] : undefined, { headers: { ...options.headers } });
        sockets.set(id, ws);
        ws.on('open', () => emit(id, 'websocketOpen', { protocol: ws.protocol }));
        ws.on('message', (data: Buffer, isBinary: boolean) =>
          emit(id, 'websocketMessage', isBinary ? { type: 'binary', data: data.toString('latin1') } : { type: 'text', data: data.toString() }),
        );
        ws.on('error', (error) => {
          failed = true;
          emit(id, 'websocketFailed', { message: error.message });
        });
        ws.on('close', (code, reason) => {
          sockets.delete(id);
          if (!failed) emit(id, 'websocketClosed', { code, reason: reason.toString() });
        });
      },
      send: (data: string, id: number) => sockets.get(id)?.send(data),
      sendBinary: (data: string, id: number) => sockets.get(id)?.send(Buffer.from(data, 'latin1')),
      close: (code: number, reason: string, id: number) => sockets.get(id)?.close(code, reason),
    },
  };
}

/** What the app reports (fixtures/rn-entry.js), and the controls it hands back. */
interface Report {
  type: string;
  detail: Record<string, unknown>;
}
interface AppControls {
  send(data: string): boolean;
  sendBytes(bytes: number[]): boolean;
  close(code?: number, reason?: string): void;
  state(): {
    readyState: number;
    connectionState: string;
    bufferedAmount: number;
    binaryType: string;
    queued: number;
    dropped: number;
    reconnects: number;
  };
}

/**
 * A realm with what React Native gives an app, and nothing else: JavaScript's built-ins, a
 * WebSocket (fixtures/rn-websocket.js over the native module), timers that return numbers,
 * queueMicrotask, console, AbortController/AbortSignal, performance.now, and a navigator
 * with `product` but no `onLine`. No document, EventTarget, Event, MessageEvent, CloseEvent,
 * TextEncoder, reportError or Node API. Metro's prelude adds `process = { env: { NODE_ENV } }`,
 * as in every React Native app. With `windowAlias`, `window`, `self` and `global` are the
 * global object, as React Native's setUpGlobals makes them (a `window` without
 * addEventListener or document); without it there is no `window` at all.
 */
function reactNativeRealm(
  host: object,
  native: ReturnType<typeof nativeWebSocketModule>,
  consoleCalls: string[],
  windowAlias: boolean,
) {
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      void consoleCalls.push(`${level}: ${args.map(String).join(' ')}`);
  const context = vm.createContext(
    {
      __rnTestHost: host,
      console: { log: record('log'), info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') },
      setTimeout: (callback: () => void, ms?: number) => Number(setTimeout(callback, ms)),
      clearTimeout: (id?: number) => clearTimeout(id),
      setInterval: (callback: () => void, ms?: number) => Number(setInterval(callback, ms)),
      clearInterval: (id?: number) => clearInterval(id),
      queueMicrotask,
      AbortController,
      AbortSignal,
      performance: { now: () => performance.now() },
      navigator: { product: 'ReactNative' },
    },
    { name: 'react-native' },
  );
  if (windowAlias) vm.runInContext('globalThis.window = globalThis.self = globalThis.global = globalThis;', context);
  const createWebSocket = vm.runInContext(readFileSync(fixture('rn-websocket.js'), 'utf8'), context, {
    filename: fixture('rn-websocket.js'),
  }) as (module: unknown, subscribe: unknown) => unknown;
  context.WebSocket = createWebSocket(native.module, native.subscribe);
  return context;
}

// ---------------------------------------------------------------------------------------

/** One Metro build for every realm below. */
let building: Promise<Bundle> | undefined;

// React Native's setUpGlobals makes `window` the global object; the realm without any
// `window` is the stricter one for code that probes `typeof window`.
describe.each([
  { realm: 'window = global', windowAlias: true },
  { realm: 'no window', windowAlias: false },
])('React Native (Metro bundle via the react-native condition), $realm', ({ windowAlias }) => {
  const HIGH_WATER_MARK = 1000;
  let built: Bundle;
  let server: TestServer;
  let native: ReturnType<typeof nativeWebSocketModule>;
  let app: AppControls;
  const reports: Report[] = [];
  const consoleCalls: string[] = [];
  const of = (type: string) => reports.filter((r) => r.type === type).map((r) => r.detail);

  beforeAll(async () => {
    for (const file of ['steadysocket.mjs', 'steadysocket.cjs']) {
      if (!existsSync(dist(file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
    built = await (building ??= bundle());
    server = await new TestServer().start();
    native = nativeWebSocketModule();
    const host = {
      url: server.url,
      highWaterMark: HIGH_WATER_MARK,
      report: (type: string, detail: Record<string, unknown>) => void reports.push({ type, detail }),
      ready: (controls: AppControls) => void (app = controls),
    };
    const context = reactNativeRealm(host, native, consoleCalls, windowAlias);
    vm.runInContext(built.code, context, { filename: 'rn-entry.bundle.js' });
  }, 90_000);

  afterAll(async () => {
    app?.close();
    for (const ws of native?.sockets.values() ?? []) ws.terminate();
    await server?.stop();
  });

  it("resolves 'steadysocket' (and 'steadysocket/react') through the react-native export condition to the ESM build", () => {
    expect(built.resolutions.length).toBeGreaterThan(0);
    for (const resolution of built.resolutions) {
      expect(resolution).toEqual({
        conditionNames: ['react-native'],
        isESMImport: true,
        imported: dist('steadysocket.mjs'),
        // The react-native branch decides even for require(), where Node would get the .cjs:
        required: dist('steadysocket.mjs'),
        requiredWithoutReactNative: dist('steadysocket.cjs'),
        withoutPackageExports: dist('steadysocket.mjs'),
        reactEntry: dist('react.mjs'),
      });
    }
    // The bundle holds the ESM build, never the CommonJS build; the socket alone pulls in no
    // eventemitter3 (only the channels layer extends it).
    expect(built.modules).toContain(dist('steadysocket.mjs'));
    expect(built.modules).not.toContain(dist('steadysocket.cjs'));
    expect(built.modules.some((path) => /node_modules[/\\]eventemitter3[/\\]/.test(path))).toBe(false);
  });

  it('loads and constructs on React Native globals alone', () => {
    expect(of('globals')).toEqual([
      {
        window: windowAlias ? 'object' : 'undefined',
        windowIsGlobal: windowAlias,
        document: 'undefined',
        EventTarget: 'undefined',
        Event: 'undefined',
        MessageEvent: 'undefined',
        CloseEvent: 'undefined',
        TextEncoder: 'undefined',
        AbortController: 'function',
        navigatorProduct: 'ReactNative',
        navigatorOnLine: 'undefined',
        addEventListener: 'undefined',
        process: 'object',
      },
    ]);
    expect(app).toBeDefined();
  });

  it('connects with connectOptions.headers and exchanges text and binary messages', async () => {
    await until(() => of('open').length === 1, 5000, 'open');
    expect(of('open')[0]).toEqual({ readyState: 1, protocol: '', extensions: '' });
    expect(server.requests[0]!.headers['x-runtime']).toBe('react-native');
    expect(app.state()).toMatchObject({ readyState: 1, connectionState: 'open', binaryType: 'arraybuffer', bufferedAmount: 0 });

    expect(app.send('hello')).toBe(true);
    expect(app.sendBytes([1, 2, 255])).toBe(true);
    await until(() => of('message').length === 2, 5000, 'echoes');
    expect(of('message')).toEqual([
      { data: 'hello' },
      { data: { byteLength: 3, isArrayBuffer: true, bytes: [1, 2, 255] } }, // an ArrayBuffer of the app's realm
    ]);
  });

  it('reconnects after a server restart; while down, the queue holds maxMessages and refuses the rest', async () => {
    const receivedBefore = server.received.length;
    await server.stop();
    await until(() => of('close').length >= 1, 5000, 'close');
    expect(of('close')[0]).toEqual({ code: 1006, wasClean: false, willReconnect: true });
    await until(() => of('reconnecting').length >= 2, 5000, 'a failed retry'); // refused while down
    expect(of('error').every((e) => e.code === 'CONNECTION_ERROR')).toBe(true);

    const sent = ['q1', 'q2', 'q3', 'q4', 'q5'].map((data) => app.send(data));
    expect(sent).toEqual([true, true, true, false, false]);
    expect(of('drop')).toEqual([
      { data: 'q4', reason: 'overflow' },
      { data: 'q5', reason: 'overflow' },
    ]);
    const down = app.state();
    // Waiting for the next retry, or in the middle of one: CONNECTING either way.
    expect(down).toMatchObject({ readyState: 0, connectionState: expect.stringMatching(/^(re)?connecting$/), queued: 3, dropped: 2 });
    expect(down.bufferedAmount).toBe(6); // the queued UTF-8 bytes; the native socket reports none

    await server.start(); // same port
    await until(() => of('open').length === 2, 5000, 'reopen');
    await until(() => server.received.length === receivedBefore + 3, 5000, 'the queue to flush');
    expect(server.received.slice(receivedBefore)).toEqual(['q1', 'q2', 'q3']);
    expect(server.requests.at(-1)!.headers['x-runtime']).toBe('react-native');
    expect(app.state()).toMatchObject({ readyState: 1, queued: 0, dropped: 2, reconnects: 1 });
    expect(of('drop')).toHaveLength(2);
  });

  it('holds writes back above highWaterMark on an estimate, as the native bufferedAmount is undefined', async () => {
    const receivedBefore = server.received.length;
    const big = (n: number) => `${n}`.padEnd(600, '.');
    const sentAt = Date.now();
    const sent = [1, 2, 3, 4].map((n) => app.send(big(n)));
    expect(sent).toEqual([true, true, true, true]);
    // Two writes reach 1200 estimated bytes, above the 1000-byte mark: the other two wait.
    const waiting = app.state();
    expect(waiting.queued).toBe(2);
    expect(Number.isFinite(waiting.bufferedAmount)).toBe(true);
    expect(waiting.bufferedAmount).toBeGreaterThan(HIGH_WATER_MARK);

    await until(() => server.received.length === receivedBefore + 4, 10_000, 'the held-back messages');
    // The estimate drains 1000 bytes/s: from 1200 to 1000 takes 200 ms before the third may
    // go, then from 1600 to 1000 another 600 ms before the fourth. (A lower bound only: a
    // loaded machine can be late, never early.)
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(700);
    expect(server.received.slice(receivedBefore)).toEqual([big(1), big(2), big(3), big(4)]);
    expect(app.state()).toMatchObject({ queued: 0, dropped: 2 });
  });

  it('close() is final: no reconnect, and later sends are refused as closed', async () => {
    const closesBefore = of('close').length;
    app.close(1000, 'done');
    await until(() => of('close').length === closesBefore + 1, 5000, 'final close');
    expect(of('close').at(-1)).toMatchObject({ code: 1000, willReconnect: false });
    expect(app.state()).toMatchObject({ readyState: 3, connectionState: 'closed' });
    expect(app.send('late')).toBe(false);
    expect(of('drop').at(-1)).toEqual({ data: 'late', reason: 'closed' });
    expect(consoleCalls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// examples/react-native.js: the README's React Native way in, with AppState
// ---------------------------------------------------------------------------------------

describe('examples/react-native.js (Metro bundle, React Native globals, AppState)', () => {
  let server: TestServer;
  let native: ReturnType<typeof nativeWebSocketModule>;
  let app: {
    setAppState(state: string): void;
    state(): { readyState: number; connectionState: string };
    close(): void;
  };
  const reports: (Report & { at: number })[] = [];
  const consoleCalls: string[] = [];
  const of = (type: string) => reports.filter((r) => r.type === type);

  beforeAll(async () => {
    const built = await bundle('rn-example-entry.js');
    expect(built.modules).toContain(join(root, 'examples', 'react-native.js'));
    expect(built.modules).toContain(fixture('react-native-stub.js'));
    // A server that answers the heartbeat's 'ping' with 'pong', as the example expects.
    server = await new TestServer((socket) => socket.on('message', (data) => String(data) === 'ping' && socket.send('pong'))).start();
    native = nativeWebSocketModule();
    const host = {
      report: (type: string, detail: Record<string, unknown>) => void reports.push({ type, detail, at: Date.now() }),
      ready: (controls: typeof app) => void (app = controls),
    };
    const context = reactNativeRealm(host, native, consoleCalls, true);
    context.FEED_URL = server.url; // where the example's module looks for its server
    vm.runInContext(built.code, context, { filename: 'rn-example.bundle.js' });
  }, 90_000);

  afterAll(async () => {
    app?.close();
    for (const ws of native?.sockets.values() ?? []) ws.terminate();
    await server?.stop();
  });

  it('connects with its headers', async () => {
    await until(() => of('open').length === 1, 5000, 'open');
    expect(server.requests[0]!.headers['x-app-version']).toBe('1.4.2');
    expect(app.state()).toEqual({ readyState: 1, connectionState: 'open' });
  }, 15_000);

  it('back in the foreground with the connection open, it checks the connection at once', async () => {
    app.setAppState('background');
    expect(server.received).toEqual([]); // nothing yet: the heartbeat's own interval is 25 s
    const foreground = Date.now();
    app.setAppState('active');
    await until(() => of('heartbeat').length === 1, 5000, 'the pong');
    expect(server.received).toEqual(['ping']);
    expect(of('heartbeat')[0]!.at - foreground).toBeLessThan(2000);
    expect(of('heartbeat')[0]!.detail.rtt).toEqual(expect.any(Number));
  }, 15_000);

  it('back in the foreground while waiting out a long retry delay, it reconnects at once', async () => {
    // 1013 Try Again Later: the client waits a random 5–30 s before it retries.
    for (const client of server.clients) client.close(1013, 'try again later');
    await until(() => of('reconnecting').length === 1, 5000, 'the retry to be scheduled');
    expect(of('close').at(-1)!.detail).toEqual({ code: 1013, willReconnect: true });
    const scheduled = of('reconnecting')[0]!;
    expect(scheduled.detail.delay).toBeGreaterThanOrEqual(5000);
    expect(app.state()).toEqual({ readyState: 0, connectionState: 'reconnecting' });

    app.setAppState('background');
    app.setAppState('active');
    await until(() => of('open').length === 2, 3000, 'the reconnect');
    expect(of('open')[1]!.at).toBeLessThan(scheduled.at + 5000);
    expect(server.requests.at(-1)!.headers['x-app-version']).toBe('1.4.2');
    expect(consoleCalls).toEqual([]);
  }, 15_000);
});
