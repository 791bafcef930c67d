import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built files, as users get them. `npm test` builds first (the `pretest` script).
const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = (file: string) => join(root, 'dist', file);
const BUNDLES = [
  'steadysocket.mjs',
  'steadysocket.cjs',
  'steadysocket.umd.min.js',
  'steadysocket.d.ts',
  'steadysocket.d.cts',
] as const;

/** Resolves 'steadysocket' as a CommonJS user in this package does: through the exports map. */
const requireFromRoot = createRequire(join(root, 'package.json'));

beforeAll(() => {
  const missing = BUNDLES.filter((file) => !existsSync(dist(file)));
  if (missing.length > 0) throw new Error(`dist/ lacks ${missing.join(', ')}: run \`npm run build\` first`);
});

/** What the fake native socket saw; it never opens, so no event ever fires. */
interface FakeLog {
  urls: string[];
  closes: number;
}

function fakeWebSocket(log: FakeLog) {
  return class FakeWebSocket {
    readyState = 0;
    onopen: unknown = null;
    onmessage: unknown = null;
    onclose: unknown = null;
    onerror: unknown = null;
    constructor(url: string) {
      log.urls.push(url);
    }
    send(): void {}
    close(): void {
      log.closes++;
      this.readyState = 3;
    }
  };
}

describe('steadysocket.umd.min.js as a <script>', () => {
  it('defines a global SteadySocket that is the constructible class, with the named exports on it', () => {
    const log: FakeLog = { urls: [], closes: 0 };
    // A bare realm: JavaScript built-ins plus a WebSocket and the timers, nothing else.
    const context = vm.createContext({ WebSocket: fakeWebSocket(log), setTimeout, clearTimeout });
    vm.runInContext(readFileSync(dist('steadysocket.umd.min.js'), 'utf8'), context, {
      filename: 'steadysocket.umd.min.js',
    });

    const report = vm.runInContext(
      `(() => {
        const ws = new SteadySocket('ws://127.0.0.1:1/x');
        const error = new SteadySocket.SteadySocketError('CONNECT_TIMEOUT', 'slow');
        const out = {
          globals: [typeof window, typeof document, typeof navigator],
          typeofSteadySocket: typeof SteadySocket,
          className: SteadySocket.name,
          isInstance: ws instanceof SteadySocket,
          readyState: ws.readyState,
          url: ws.url,
          OPEN: SteadySocket.OPEN,
          typeofError: typeof SteadySocket.SteadySocketError,
          errorIsError: error instanceof Error,
          errorName: error.name,
          errorCode: error.code,
          backoff: SteadySocket.backoffDelay(3, { minDelay: 1000, maxDelay: 10000, factor: 2, jitter: 'none' }, Math.random),
          verdicts: [SteadySocket.closeVerdict(1008), SteadySocket.closeVerdict(1013), SteadySocket.closeVerdict(1006)],
          defaultsFrozen: Object.isFrozen(SteadySocket.DEFAULTS),
          ownNames: Object.keys(SteadySocket).sort(),
        };
        ws.close(); // clears the connect timeout armed on this realm's setTimeout
        out.readyStateAfterClose = ws.readyState;
        return JSON.stringify(out);
      })()`,
      context,
    ) as string;

    const names = [requireFromRoot('steadysocket'), requireFromRoot('steadysocket/channels')].flatMap((entry) => Object.keys(entry as object)).sort();
    expect(names).toContain('channels');
    expect(JSON.parse(report)).toEqual({
      globals: ['undefined', 'undefined', 'undefined'],
      typeofSteadySocket: 'function',
      className: 'SteadySocket',
      isInstance: true,
      readyState: 0,
      url: 'ws://127.0.0.1:1/x',
      OPEN: 1,
      typeofError: 'function',
      errorIsError: true,
      errorName: 'SteadySocketError',
      errorCode: 'CONNECT_TIMEOUT',
      backoff: 8000,
      verdicts: ['stop', 'retry-later', 'retry'],
      defaultsFrozen: true,
      ownNames: expect.arrayContaining([...names, 'CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']),
      readyStateAfterClose: 3,
    });
    // Created and closed in one task: no handshake at all, as natively (API.md §1).
    expect(log).toEqual({ urls: [], closes: 0 });
  });

  it('carries no React bindings: a page with React has a bundler and steadysocket/react', () => {
    const code = readFileSync(dist('steadysocket.umd.min.js'), 'utf8');
    const hooks = Object.keys(requireFromRoot('steadysocket/react') as object);
    expect(hooks).toContain('useSteadySocket');
    for (const hook of hooks) expect(code).not.toContain(hook);
    expect(code).not.toMatch(/['"]react['"]/);
  });
});

/**
 * Loads every build in a fresh Node whose `window`, `document` and `navigator` are traps:
 * reading one at load time is recorded and throws, as it would during server-side rendering.
 */
const PROBE = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
const touched = [];
for (const name of ['window', 'document', 'navigator']) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() { touched.push(name); throw new Error('touched ' + name + ' at load'); },
  });
}
const require = createRequire(process.cwd() + '/package.json');
const errors = [];
const load = async (fn) => { try { return await fn(); } catch (error) { errors.push(String(error)); return {}; } };
const cjs = await load(() => require('steadysocket'));
const esm = await load(() => import('steadysocket'));
await load(() => vm.runInThisContext(readFileSync('dist/steadysocket.umd.min.js', 'utf8')));
process.stdout.write(JSON.stringify({
  touched,
  errors,
  cjs: Object.keys(cjs).sort(),
  esm: Object.keys(esm).sort(),
  umdIsClass: typeof globalThis.SteadySocket === 'function' && globalThis.SteadySocket.name === 'SteadySocket',
  sharedEmitter: {
    cjs: [cjs.SteadySocket, (await load(() => require('steadysocket/channels'))).Channel].map((c) => c?.prototype instanceof cjs.Emitter),
    esm: [esm.SteadySocket, (await load(() => import('steadysocket/channels'))).Channel].map((c) => c?.prototype instanceof esm.Emitter),
  },
  resolved: { require: require.resolve('steadysocket'), import: import.meta.resolve('steadysocket') },
  kit: {
    resolved: { require: require.resolve('steadysocket/testing'), import: import.meta.resolve('steadysocket/testing') },
    cjs: Object.keys(await load(() => require('steadysocket/testing'))).sort(),
    esm: Object.keys(await load(() => import('steadysocket/testing'))).sort(),
  },
  server: {
    resolved: { require: require.resolve('steadysocket/server'), import: import.meta.resolve('steadysocket/server') },
    cjs: Object.keys(await load(() => require('steadysocket/server'))).sort(),
    esm: Object.keys(await load(() => import('steadysocket/server'))).sort(),
  },
}));
`;

describe('steadysocket.cjs and steadysocket.mjs through the exports map', () => {
  let probe: {
    touched: string[];
    errors: string[];
    cjs: string[];
    esm: string[];
    umdIsClass: boolean;
    sharedEmitter: { cjs: boolean[]; esm: boolean[] };
    resolved: { require: string; import: string };
    kit: { resolved: { require: string; import: string }; cjs: string[]; esm: string[] };
    server: { resolved: { require: string; import: string }; cjs: string[]; esm: string[] };
  };

  beforeAll(() => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], {
      cwd: root,
      encoding: 'utf8',
      timeout: 15_000,
    });
    probe = JSON.parse(out) as typeof probe;
  }, 20_000);

  it('resolves require and import to the CommonJS and ESM builds', () => {
    expect(probe.resolved).toEqual({
      require: dist('steadysocket.cjs'),
      import: pathToFileURL(dist('steadysocket.mjs')).href,
    });
  });

  it('exports the same names from both builds, and the same again on the UMD global', () => {
    expect(probe.errors).toEqual([]);
    // The runtime names are exactly the values the declarations promise.
    const declared = /^export \{ ([^}]+) \};$/m.exec(readFileSync(dist('steadysocket.d.ts'), 'utf8'))?.[1];
    expect(probe.cjs).toEqual(declared?.split(', ').sort());
    expect(probe.cjs).toEqual(expect.arrayContaining(['SteadySocket', 'SteadySocketError', 'backoffDelay', 'closeVerdict', 'DEFAULTS']));
    expect(probe.esm).toEqual(probe.cjs);
    expect(probe.umdIsClass).toBe(true);
  });

  it('leaves the test kit out of the script-tag file: it serves tests, never pages', () => {
    const umd = readFileSync(dist('steadysocket.umd.min.js'), 'utf8');
    expect(umd).not.toMatch(/createTestServer|createTestClock|steadysocket\/testing/);
    expect(readFileSync(dist('testing.mjs'), 'utf8')).toMatch(/export \{[^}]*createTestServer/);
  });

  it('resolves steadysocket/testing the same way, and loads it from both builds', () => {
    expect(probe.kit.resolved).toEqual({ require: dist('testing.cjs'), import: pathToFileURL(dist('testing.mjs')).href });
    expect(probe.kit.cjs).toEqual(['createTestClock', 'createTestServer']);
    expect(probe.kit.esm).toEqual(probe.kit.cjs);
  });

  it('resolves steadysocket/server (Node only) the same way, and leaves it out of the script-tag file', () => {
    expect(probe.server.resolved).toEqual({ require: dist('server.cjs'), import: pathToFileURL(dist('server.mjs')).href });
    expect(probe.server.cjs).toEqual(['MemoryStore', 'SESSION_CLOSE', 'SESSION_PROTOCOL', 'Session', 'SessionServer']);
    expect(probe.server.esm).toEqual(probe.server.cjs);
    expect(readFileSync(dist('steadysocket.umd.min.js'), 'utf8')).not.toMatch(/SessionServer|node:crypto/);
  });

  it('touches no window, document or navigator while loading', () => {
    expect(probe.touched).toEqual([]);
  });

  it('gives the socket and the channels one Emitter class, from the socket entry; eventemitter3 only in the server', () => {
    expect(probe.sharedEmitter).toEqual({ cjs: [true, true], esm: [true, true] });
    for (const file of ['steady-socket.mjs', 'steadysocket.mjs', 'channels.mjs', 'react.mjs', 'steady-socket.cjs', 'channels.cjs']) {
      expect(readFileSync(dist(file), 'utf8')).not.toMatch(/eventemitter3/);
    }
    expect(readFileSync(dist('server.mjs'), 'utf8')).toMatch(/^import .+ from 'eventemitter3';$/m);
    expect(readFileSync(dist('server.cjs'), 'utf8')).toMatch(/require\('eventemitter3'\)/);
  });
});

/** A consumer's code, checked against the published declarations under each resolution mode. */
const CONSUMER = `
import { DEFAULTS, SteadySocket, SteadySocketError, backoffDelay, closeVerdict, type SteadySocketOptions } from 'steadysocket';
import { createTestClock, createTestServer, type ReceivedData, type TestClock } from 'steadysocket/testing';
import { SessionServer, type Session } from 'steadysocket/server';
const options: SteadySocketOptions = { maxRetries: DEFAULTS.maxRetries };
const ws = new SteadySocket('wss://example.com/feed', options);
ws.on('open', (event) => console.log(event.type));
ws.addEventListener('close', (event) => console.log(event.code, event.reason));
ws.onmessage = (event) => console.log(event.data);
const state: number = ws.readyState + SteadySocket.OPEN;
const delay: number = backoffDelay(1, { minDelay: 1, maxDelay: 2, factor: 2, jitter: 'none' }, Math.random);
const error: Error = new SteadySocketError('CONNECT_TIMEOUT', 'slow');
const verdict: 'stop' | 'retry' | 'retry-later' = closeVerdict(1000);
// @ts-expect-error: not an event of SteadySocket
ws.on('no-such-event', () => {});
// The test kit's entry, as an app's test imports it.
const server = createTestServer('ws://test/feed');
const clock: TestClock = createTestClock();
const tested = new SteadySocket('ws://test/feed', { WebSocket: server.WebSocket, clock });
const next: Promise<ReceivedData> = server.nextMessage();
// The server entry's declarations, as a Node app's code uses them (ws's types come with it).
const onSession = (server: SessionServer) => server.on('session', (session: Session) => session.on('message', (data) => session.send(\`echo \${String(data)}\`)));
export { state, delay, error, verdict, tested, next, onSession };
`;

describe('declarations through the exports map', () => {
  let consumer: string;

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'steadysocket-types-'));
    // Installed the way npm links a local package: node_modules/steadysocket -> the repo.
    mkdirSync(join(consumer, 'node_modules'));
    symlinkSync(root, join(consumer, 'node_modules', 'steadysocket'), 'junction');
    for (const file of ['esm.mts', 'cjs.cts', 'bundler.ts']) writeFileSync(join(consumer, file), CONSUMER);
  });

  afterAll(() => {
    rmSync(consumer, { recursive: true, force: true });
  });

  it.each([
    ['node16 (import and require)', ts.ModuleKind.Node16, ts.ModuleResolutionKind.Node16, ['esm.mts', 'cjs.cts']],
    ['bundler', ts.ModuleKind.ESNext, ts.ModuleResolutionKind.Bundler, ['bundler.ts']],
  ] as const)('type-checks a consumer under %s resolution', (_mode, module, moduleResolution, files) => {
    const program = ts.createProgram(
      files.map((file) => join(consumer, file)),
      {
        noEmit: true,
        strict: true,
        module,
        moduleResolution,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file ? `${diagnostic.file.fileName}: ` : '';
      return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    });
    expect(problems).toEqual([]);
    // Each file found its own declarations: .d.ts under `import`, .d.cts under `require`.
    const loaded = program
      .getSourceFiles()
      .map((source) => basename(source.fileName))
      .filter((name) => name.startsWith('steadysocket.d.'));
    expect(loaded.sort()).toEqual(files.map((file) => (file.endsWith('.cts') ? 'steadysocket.d.cts' : 'steadysocket.d.ts')).sort());
    const kit = program
      .getSourceFiles()
      .map((source) => basename(source.fileName))
      .filter((name) => name.startsWith('testing.d.'));
    expect(kit.sort()).toEqual(files.map((file) => (file.endsWith('.cts') ? 'testing.d.cts' : 'testing.d.ts')).sort());
  }, 20_000);
});
