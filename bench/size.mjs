// `npm run size`: what an app pays, measured as a bundler ships it (API.md §7). Method, the
// same for every package: a one-line app (`import { X } from 'pkg'; use(X)`) bundled from
// the package's published files (`exports`, browser conditions) by esbuild, minified, then
// gzipped at level 9. For steadysocket, three figures with their budgets:
//   - `import { SteadySocket } from 'steadysocket'`                       ≤ 6,656 B
//   - the same plus `import { channels } from 'steadysocket/channels'`    ≤ 9,728 B
//   - the script-tag file dist/steadysocket.umd.min.js as it is            ≤ 10,240 B
//   - steadysocket/react on top of what it uses (issue 16), react external as in every app:
//     the socket hooks (`import { SteadySocket }` plus `import { useSteadySocket,
//     useConnectionState, useSocketEvent, useLastMessage, useQueueLength, useSocketStats }
//     from 'steadysocket/react'`) minus the socket alone                    ≤ 1,536 B
//     and every hook, the channel hooks too, minus socket + channels        ≤ 1,536 B
//     (the second bundle carries the channels layer, which the channel hooks use: that layer
//     is paid for by `steadysocket/channels`'s own budget, not by the hooks).
//     Their guards are the budgets themselves: CI fails above 1,536 B from the start.
// and the socket's bytes by source module (esbuild's metafile: minified bytes each module
// puts in the bundle; the gzip column is each module's share, scaled from the whole), and
// what its string literals cost (the gzip bytes saved by blanking them: all, and messages), and
// what each behaviour of the contract costs in it (bench/feature-cost.mjs).
// Needs dist/ (`npm run build`). `--budget` exits 1 when a figure is over its budget;
// `--guard` exits 1 when a figure grew past GUARDS, the sizes this checkout has reached
// (a ratchet for CI while the budgets are not met: lower it as the figures come down).
// `--json` prints one JSON line instead of the tables (bench/run.mjs reads it).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import ts from 'typescript';
import { featureCosts } from './feature-cost.mjs';

export const BUDGETS = { socket: 6_656, channels: 9_728, umd: 10_240, react: 1_536, reactChannels: 1_536 };
// A ratchet while the budgets are not met: the sizes this checkout reached (issue 15 put §8's
// client side in the socket entry, issue 16 added the `queue` event the React hooks need).
export const GUARDS = { socket: 9_325, channels: 12_358, umd: 12_560, react: 1_536, reactChannels: 1_536 };
const enforce = process.argv.includes('--budget');
const guard = process.argv.includes('--guard');
const json = process.argv.includes('--json');
const print = json ? () => {} : console.log;
const root = new URL('..', import.meta.url).pathname;

// `steadysocket` and its subpaths resolve to this checkout's dist/, as its package.json
// `exports` maps them for a bundler (the `import` condition).
const { exports } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const selfReference = {
  name: 'self-reference',
  setup(b) {
    b.onResolve({ filter: /^steadysocket(\/|$)/ }, ({ path }) => {
      const target = exports[`.${path.slice('steadysocket'.length)}`]?.import?.default;
      return target ? { path: `${root}${target.slice(2)}` } : undefined;
    });
  },
};

async function measure(contents, loader = 'js') {
  const result = await build({
    // An app's own React: never part of what steadysocket costs.
    external: ['react', 'react-dom'],
    stdin: { contents, resolveDir: root, loader },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [selfReference],
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs, code };
}

const SOCKET_HOOKS = 'useSteadySocket, useConnectionState, useSocketEvent, useLastMessage, useQueueLength, useSocketStats';
const CHANNEL_HOOKS = 'useChannels, useChannel, useRequest';
const versionOf = (name) => JSON.parse(readFileSync(`${root}${name === 'steadysocket' ? '' : `node_modules/${name}/`}package.json`, 'utf8')).version;
const apps = [
  ['steadysocket', "import { SteadySocket } from 'steadysocket'; globalThis.x = SteadySocket;"],
  ['steadysocket + channels', "import { SteadySocket } from 'steadysocket'; import { channels } from 'steadysocket/channels'; globalThis.x = [SteadySocket, channels];"],
  ['partysocket', "import { WebSocket } from 'partysocket'; globalThis.x = WebSocket;"],
  ['reconnecting-websocket', "import RWS from 'reconnecting-websocket'; globalThis.x = RWS;"],
  ['socket.io-client', "import { io } from 'socket.io-client'; globalThis.x = io;"],
];

print('what an app pays (esbuild --minify, gzip -9)   min bytes  min+gzip');
const packages = [];
let socketInputs;

let socketCode;
for (const [name, app] of apps) {
  const { min, gzip, code } = await measure(app);
  if (name === 'steadysocket') socketCode = Buffer.from(code).toString('utf8');
  packages.push({ name, version: versionOf(name.split(/[ /]/)[0]), min, gzip });
  print(`  ${name.padEnd(44)}${String(min).padStart(10)}${String(gzip).padStart(10)}`);
}
// The React entry, measured against what it sits on (its rows are not packages of their own).
const REACT_APPS = {
  react: `import { SteadySocket } from 'steadysocket'; import { ${SOCKET_HOOKS} } from 'steadysocket/react'; globalThis.x = [SteadySocket, ${SOCKET_HOOKS}];`,
  reactChannels: `import { SteadySocket } from 'steadysocket'; import { channels } from 'steadysocket/channels'; import { ${SOCKET_HOOKS}, ${CHANNEL_HOOKS} } from 'steadysocket/react'; globalThis.x = [SteadySocket, channels, ${SOCKET_HOOKS}, ${CHANNEL_HOOKS}];`,
};
const reactSizes = {};
for (const [name, app] of Object.entries(REACT_APPS)) {
  const { min, gzip } = await measure(app);
  reactSizes[name] = gzip;
  print(`  ${`${name === 'react' ? 'socket hooks' : 'every hook'} + what they use (react external)`.padEnd(44)}${String(min).padStart(10)}${String(gzip).padStart(10)}`);
}
const umdCode = readFileSync(`${root}dist/steadysocket.umd.min.js`);
const umd = { name: 'steadysocket.umd.min.js (script tag)', version: versionOf('steadysocket'), min: umdCode.length, gzip: gzipSync(umdCode, { level: 9 }).length };
packages.push(umd);
print(`  ${umd.name.padEnd(44)}${String(umd.min).padStart(10)}${String(umd.gzip).padStart(10)}`);

// The socket's bundle by source module, largest first: the same app, built from src/.
socketInputs = await measure("import { SteadySocket } from './src/socket/index.ts'; globalThis.x = SteadySocket;", 'ts');
const modules = Object.entries(socketInputs.inputs)
  .map(([file, { bytesInOutput }]) => ({
    file: file.replace(/^.*node_modules\//, '').replace(/^dist\//, 'dist/'),
    min: bytesInOutput,
    gzip: Math.round((bytesInOutput / socketInputs.min) * socketInputs.gzip),
  }))
  .filter((m) => m.min > 0)
  .sort((a, b) => b.min - a.min);
print('\nimport { SteadySocket } by module (min bytes in the bundle; gzip: its share of the whole)');
for (const m of modules) print(`  ${m.file.padEnd(44)}${String(m.min).padStart(10)}${String(m.gzip).padStart(10)}`);

// What the socket's text costs: the same bundle with its string literals (and the text of its
// template literals) blanked, gzipped again; and with only the long ones (messages) blanked.
const text = { all: textCost(socketCode, 4), long: textCost(socketCode, 21) };
print(`\nstring literals in import { SteadySocket }: ${text.all} B of its min+gzip (those over 20 characters: ${text.long} B)`);

// What each behaviour costs in it (bench/feature-cost.mjs: the same app built from src/ with
// that behaviour cut out).
const features = await featureCosts();
print(`\nwhat each behaviour costs in import { SteadySocket } (built from src/: ${features.whole} B)`);
for (const row of features.rows) print(`  ${String(row.bytes).padStart(6)} B  ${row.name}`);
print(`  all of them cut at once leave ${features.rest} B`);

const gz = (name) => packages.find((p) => p.name === name).gzip;
const verdicts = [
  ['import { SteadySocket }', gz('steadysocket'), BUDGETS.socket, GUARDS.socket],
  ['with steadysocket/channels', gz('steadysocket + channels'), BUDGETS.channels, GUARDS.channels],
  ['script-tag file', umd.gzip, BUDGETS.umd, GUARDS.umd],
  ['steadysocket/react on the socket', reactSizes.react - gz('steadysocket'), BUDGETS.react, GUARDS.react],
  ['every hook on socket + channels', reactSizes.reactChannels - gz('steadysocket + channels'), BUDGETS.reactChannels, GUARDS.reactChannels],
].map(([what, size, budget, ceiling]) => ({ what, size, budget, met: size <= budget, ceiling }));
print('\nbudgets (API.md §7; react: issue 16)');
for (const v of verdicts) print(`  ${v.what.padEnd(34)}${String(v.size).padStart(7)} B  ≤ ${v.budget} B  ${v.met ? 'met' : 'OVER'}`);
if (enforce && verdicts.some((v) => !v.met)) process.exitCode = 1;
if (guard) {
  for (const v of verdicts.filter((v) => v.size > v.ceiling)) print(`  ${v.what} grew past its guard of ${v.ceiling} B`);
  if (verdicts.some((v) => v.size > v.ceiling)) process.exitCode = 1;
}
if (json) console.log(JSON.stringify({ packages, modules, text, features, budgets: verdicts }));

/** Gzip bytes saved by blanking every string (or template text) of at least `min` characters in `code`. */
function textCost(code, min) {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const spans = [];
  const visit = (node) => {
    const k = ts.SyntaxKind;
    if ([k.StringLiteral, k.NoSubstitutionTemplateLiteral, k.TemplateHead, k.TemplateMiddle, k.TemplateTail].includes(node.kind) && node.text.length >= min) {
      spans.push([node.getStart(file), node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // Blank each literal's text but keep its delimiters and `${`, so the rest of the code is unchanged.
  let blanked = code;
  for (const [start, end] of spans.sort((a, b) => b[0] - a[0])) {
    const literal = blanked.slice(start, end);
    const open = literal[0];
    const close = literal.endsWith('${') ? '${' : literal.at(-1);
    blanked = `${blanked.slice(0, start)}${open}${close}${blanked.slice(end)}`;
  }
  return gzipSync(code, { level: 9 }).length - gzipSync(blanked, { level: 9 }).length;
}
