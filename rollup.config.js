// One config, four bundles and their declarations (API.md §7).
//
// - dist/steadysocket.mjs / .cjs (the socket), dist/channels.mjs / .cjs (the channels
//   layer, which imports the socket entry) and dist/react.mjs / .cjs (the hooks, which import
//   both): for bundlers, Node and Metro. One rollup run for all, so the layers share the
//   socket's module (one SteadySocketError class) instead of a copy. eventemitter3 and react
//   stay external imports: a dependency and a peer dependency, and inlining them would ship
//   a second copy to every app that already has one (and two Reacts break hooks).
// - dist/steadysocket.umd.min.js: for <script> tags and CDNs (unpkg/jsdelivr), with
//   eventemitter3 inlined because a page has no resolver.
// - dist/testing.mjs / .cjs: the test kit (steadysocket/testing), from the same run; it uses
//   the socket entry's module as channels do. Never in the script-tag file: it serves tests.
// - dist/steadysocket.d.ts / .d.cts, dist/channels.d.ts / .d.cts, dist/testing.d.ts / .d.cts,
//   dist/server.d.ts / .d.cts, dist/react.d.ts / .d.cts:
//   bundled declarations.
// The script-tag file carries the socket and channels only: a page with React has a bundler.
import { readFileSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const banner = `/*! ${pkg.name} v${pkg.version} | ${pkg.license} */`;

// @rollup/plugin-typescript writes source paths one level too high for outDir 'dist'
// ('../../src/x.ts'); from dist/ they are '../src/x.ts'.
const sourcemapPathTransform = (source) => source.replace(/^\.\.\/\.\.\/src\//, '../src/');

// Every runtime and peer dependency (react, ws) and their subpaths stay external in the
// module builds (the app's own copy is the one to use: one React per app), as do Node's own
// modules (the server entry's node:crypto).
const dependencies = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const external = (id) => id.startsWith('node:') || dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

// tsconfig.json serves `tsc --noEmit` over src and test; the bundle compiles src only and
// emits JavaScript only: declarations come from rollup-plugin-dts below.
const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    // inlineSources: the maps carry the TypeScript itself, so they are useful once published.
    compilerOptions: { declaration: false, declarationMap: false, sourceMap: true, inlineSources: true, outDir: 'dist' },
  });

// The socket and session modules the entries share form one chunk with a stable name
// (dist/steady-socket.*), whatever module rollup would otherwise name it after.
const manualChunks = (id) => (/[\\/]src[\\/](socket|session)[\\/]/.test(id) ? 'steady-socket' : undefined);

const entries = { steadysocket: 'src/socket/index.ts', channels: 'src/channels/index.ts', react: 'src/react/index.ts', server: 'src/server/index.ts', testing: 'src/testing/index.ts' };

// Internal members are named `_x` in src/ (every private, protected and @internal member of
// a class). Their names are shortened here, in every output: a bundler's minifier cannot
// shorten property names, so otherwise every app would ship them in full. The rest stays
// readable (no compression; the maps carry the TypeScript).
// One name cache per output format, shared by its chunks (the plugin then shortens them one
// after another): `_x` gets the same short name in every chunk, and no two names get one.
// Without it each chunk counts from 'a' again, and a class in one chunk (a Channel) that
// extends a class in another (the socket's Emitter) could overwrite its base's fields.
const shortenInternals = (extra = {}) =>
  terser({
    nameCache: {},
    compress: false,
    mangle: { properties: { regex: /^_/ }, keep_classnames: true, keep_fnames: true },
    format: { comments: /^!/, beautify: true, quote_style: 3 },
    ...extra,
  });

export default [
  {
    input: entries,
    external,
    // Importing eventemitter3, react or ws does nothing by itself: no bare `import 'x'` is kept
    // for them in a chunk that uses none of their names (the socket hooks would otherwise
    // pull eventemitter3 into an app that has no channels).
    treeshake: { moduleSideEffects: (id, isExternal) => !isExternal },
    plugins: [ts()],
    output: [
      { dir: 'dist', entryFileNames: '[name].mjs', chunkFileNames: '[name].mjs', manualChunks, hoistTransitiveImports: false, format: 'es', sourcemap: true, sourcemapPathTransform, banner, plugins: [shortenInternals()] },
      // Named exports only: `const { SteadySocket } = require('steadysocket')`.
      { dir: 'dist', entryFileNames: '[name].cjs', chunkFileNames: '[name].cjs', manualChunks, hoistTransitiveImports: false, format: 'cjs', exports: 'named', sourcemap: true, sourcemapPathTransform, banner, plugins: [shortenInternals()] },
    ],
  },
  {
    // A separate entry whose default export is the class with every named export of the
    // socket and channels entries attached. 'umd' rather than 'iife': the same file also
    // serves AMD loaders and CommonJS evaluators that read it as a script (Browserify-style
    // bundlers, CDN playgrounds); Node itself uses the .cjs, as "type": "module" makes this
    // .js an ES module there, where the wrapper still sets globalThis.SteadySocket. The
    // wrapper finds the global object via `globalThis`/`self` only, never window/document/navigator.
    input: 'src/umd.ts',
    plugins: [resolve({ browser: true }), commonjs(), ts()],
    output: {
      file: 'dist/steadysocket.umd.min.js',
      format: 'umd',
      name: 'SteadySocket',
      exports: 'default',
      sourcemap: true,
      sourcemapPathTransform,
      banner,
      // keep_classnames: `SteadySocket.name`, `ws.constructor.name` and stack traces read
      // as in the module builds; only the public classes keep theirs.
      plugins: [terser({ keep_classnames: /^SteadySocket/, mangle: { properties: { regex: /^_/ } }, format: { comments: /^!/ } })],
    },
  },
  // Declarations: the channels, server and testing entries refer to the socket's types through the package name,
  // as an app's code would, so each .d.ts declares its own names only.
  ...Object.entries(entries).flatMap(([name, input]) => [
    {
      input,
      external: (id) => external(id) || (name !== 'steadysocket' && /[\\/](socket|channels)[\\/]index(\.ts)?$/.test(id)),
      plugins: [dts(), socketAsPackage(name)],
      output: [
        { file: `dist/${name}.d.ts`, format: 'es' },
        // The same declarations, read as CommonJS-format by TypeScript under `require`.
        { file: `dist/${name}.d.cts`, format: 'es' },
      ],
    },
  ]),
];

/** In the declarations of the other layers, `../socket/index` becomes `steadysocket`, `../channels/index` `steadysocket/channels`. */
function socketAsPackage(name) {
  return {
    name: 'socket-as-package',
    renderChunk: (code) =>
      name === 'steadysocket'
        ? null
        : code.replace(/(['"])\.\.\/(socket|channels)\/index(\.ts)?\1/g, (_, quote, layer) => (layer === 'socket' ? "'steadysocket'" : "'steadysocket/channels'")),
  };
}
