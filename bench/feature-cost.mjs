// What each behaviour of the socket entry costs an app, in gzip bytes of `import { SteadySocket }`
// (API.md §7 counts §1–§4, §8's client side and §11 in it). Method: the same one-line app is
// bundled from src/ by esbuild (minified, `_x` properties shortened as the build does, gzip -9),
// once as it is and once per behaviour with that behaviour cut out of the source in memory
// (the edits below: the smallest cut that lets the bundler drop its code). The difference is
// what the behaviour costs. Nothing on disk changes.
//
// `node bench/feature-cost.mjs` prints the table; `npm run size` includes it (`--json`: `features`).
// An edit whose text is no longer in the source makes its row fail loudly (test/bench.test.ts
// checks that every row still measures): move the anchor with the code.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Each behaviour: what the contract calls it, and the edits that cut it out ([file, find, replace]). */
export const FEATURES = [
  {
    name: 'sessions that survive reconnects, client side (§8, `resume`)',
    edits: [
      ['src/socket/core.ts', /this\._session = this\._options\.resume && new ClientSession\([^;]*\);/, 'this._session = null;'],
      ['src/socket/steady-socket.ts', 'return this._session ? userProtocol(chosen) : chosen;', 'return chosen;'],
    ],
  },
  {
    name: 'heartbeat over messages (§4: pings, half-open detection, `probe()`, rtt)',
    edits: [['src/socket/core.ts', /this\._heartbeat = this\._options\.heartbeat && new Heartbeat\([^;]*\);/, 'this._heartbeat = null;']],
  },
  {
    name: 'option checks: a typed error naming each bad option (§11)',
    edits: [
      // Every rule an empty check (the table's messages and tests go), nothing thrown.
      ['src/socket/resolve-options.ts', /const number = [^;]*;/, 'const number = (..._: unknown[]): Check => [];'],
      ['src/socket/resolve-options.ts', /const oneOf = [^;]*;/, 'const oneOf = (..._: unknown[]): Check => [];'],
      ['src/socket/resolve-options.ts', /const (COUNT|MS|POSITIVE|FINITE_POSITIVE|WHOLE_POSITIVE) = number\([^;]*;/g, 'const $1: Check = [];'],
      ['src/socket/resolve-options.ts', /  factor: number\([^\n]*\n/, '  factor: [],\n'],
      ['src/socket/resolve-options.ts', /jitter: oneOf<Jitter>\([^)]*\)/, 'jitter: []'],
      ['src/socket/resolve-options.ts', /overflow: oneOf<OverflowPolicy>\([^)]*\)/, 'overflow: []'],
      ['src/socket/resolve-options.ts', "const FUNCTION: Check = ['function', 'a function'];", 'const FUNCTION: Check = [];'],
      ['src/socket/resolve-options.ts', /\n      else if \(wrongType [^\n]*/, ''],
      ['src/socket/resolve-options.ts', /if \(options\.minDelay !== undefined\) throw [^\n]*/, ''],
    ],
  },
  {
    name: '`close()` / `reconnect()` argument checks as the native `close()` (§1)',
    edits: [['src/socket/steady-socket.ts', /validateClose\(code, reason\)/g, '({ code, reason })']],
  },
  {
    name: '`url` resolved as natively: document base, `http(s):` → `ws(s):`, checked (§1)',
    edits: [['src/socket/native.ts', /export const resolveUrl = \(text: string\): string => \{[^]*?\n\}/, 'export const resolveUrl = (text: string): string => text;']],
  },
  {
    name: 'page lifecycle: online, visible again, restored (§2)',
    edits: [['src/socket/core.ts', 'this._stopWatching = watchLifecycle(this._options.lifecycleEvents, this);', '']],
  },
  {
    name: '`logger` option and once-only console warnings (§11)',
    edits: [['src/socket/event-target.ts', 'const { logger } = this._options;', 'return;\n    const { logger } = this._options;']],
  },
  {
    name: 'secrets redacted from error messages and causes (§11)',
    edits: [['src/socket/redact.ts', /export const redactUrls = \(text: string\): string =>[^;]*;/, 'export const redactUrls = (text: string): string => text;']],
  },
  {
    name: 'the DOM `Event` fields on every event object (§1, React Native has no `Event`)',
    edits: [['src/socket/events.ts', 'Object.assign(SteadyEventObject.prototype, {', 'void ({']],
  },
  {
    name: 'a buffer estimate where `bufferedAmount` is missing (React Native, §3)',
    edits: [
      ['src/socket/outbox.ts', "if (typeof ws.bufferedAmount !== 'number') {", 'if (false) {'],
      ['src/socket/outbox.ts', /: this\._estimated && Math\.max\([^;]*;/, ': 0;'],
    ],
  },
  {
    name: "the `ws` package's own message event (no MessageEvent per message in Node)",
    edits: [
      ['src/socket/dialer.ts', "if (ws.binaryType === 'nodebuffer' && ws.on) ws.on('message', onMessage);\n      else ws.onmessage = onMessage;", 'ws.onmessage = onMessage;'],
      ['src/socket/dialer.ts', "ws.removeListener?.('message', onMessage);", ''],
      ['src/socket/dialer.ts', 'events._nativeMessage(isBinary === undefined ? event?.data : isBinary ? event : String(event));', 'events._nativeMessage(event?.data);'],
    ],
  },
  {
    name: 'the `queue` event (its figures, once per operation; the React hooks use it)',
    edits: [
      ['src/socket/steady-socket.ts', /const change = this\._outbox\._changed\(\);\n[^\n]*/, ''],
      // A bundler keeps a class's methods whether or not they are called: the method goes too.
      ['src/socket/outbox.ts', /\n  _changed\(\)[^]*?\n  \}/, ''],
      ['src/socket/outbox.ts', /\n  private _seen(Length|Bytes) = 0;/g, ''],
    ],
  },
  {
    name: '`stats` (§6)',
    edits: [['src/socket/steady-socket.ts', /get stats\(\): SteadySocketStats \{[^]*?\n  \}/, 'get stats(): SteadySocketStats {\n    return {} as SteadySocketStats;\n  }']],
  },
];

const APP = "import { SteadySocket } from './src/socket/index.ts'; globalThis.x = SteadySocket;";

async function size(edits = []) {
  const pending = new Set(edits);
  const cut = {
    name: 'cut',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, ({ path }) => {
        let contents = readFileSync(path, 'utf8');
        for (const edit of edits) {
          const [file, find, replace] = edit;
          if (!path.endsWith(file)) continue;
          const before = contents;
          contents = contents.replace(find, replace);
          if (contents !== before) pending.delete(edit);
        }
        return { contents, loader: 'ts' };
      });
    },
  };
  const result = await build({
    stdin: { contents: APP, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    mangleProps: /^_/,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    plugins: [cut],
  });
  const missing = [...pending].map(([file, find]) => `${file}: ${find}`);
  return { bytes: gzipSync(result.outputFiles[0].contents, { level: 9 }).length, missing };
}

/** `{ whole, rows: [{ name, bytes }], rest }`: the bundle as it is, what each behaviour adds to it, and what is left without all of them. */
export async function featureCosts() {
  const { bytes: whole } = await size();
  const rows = [];
  const missing = [];
  for (const feature of FEATURES) {
    const cut = await size(feature.edits);
    rows.push({ name: feature.name, bytes: whole - cut.bytes });
    missing.push(...cut.missing);
  }
  if (missing.length > 0) throw new Error(`bench/feature-cost.mjs: not in the source any more:\n  ${missing.join('\n  ')}`);
  // Every behaviour cut at once: what is left (gzip shares work across cuts, so this is not
  // exactly the whole minus the sum of the rows).
  const { bytes: rest } = await size(FEATURES.flatMap((feature) => feature.edits));
  return { whole, rows, rest };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const { whole, rows, rest } = await featureCosts();
  console.log(`import { SteadySocket } built from src/ (esbuild, _x shortened, gzip -9): ${whole} B; what each behaviour costs in it:`);
  for (const row of rows) console.log(`  ${String(row.bytes).padStart(6)} B  ${row.name}`);
  console.log(`  ${String(rest).padStart(6)} B  left with all of them cut at once: reconnection and its policy, the queue and backpressure, the event layer, the rest of the drop-in surface`);
}
