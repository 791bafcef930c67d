// `npm run size`: what each package costs a page. Method, the same for every package: its
// public entry bundled with all its runtime dependencies (rollup + node-resolve + commonjs,
// browser field), minified by terser (compress + mangle), gzipped at level 9. Then the
// breakdown of SteadySocket's own bundle by module (each module minified and gzipped alone,
// so the parts add up to more than the whole: gzip shares strings across modules).
// `--budget N` exits 1 above N bytes. `--json` prints one JSON line instead of the tables
// (bench/run.mjs reads it).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { minify } from 'terser';

const budgetAt = process.argv.indexOf('--budget');
const budget = budgetAt > 0 ? Number(process.argv[budgetAt + 1]) : undefined;
const json = process.argv.includes('--json');
const print = json ? () => {} : console.log;
const ts = () =>
  typescript({ tsconfig: './tsconfig.json', include: ['src/**/*.ts'], compilerOptions: { declaration: false, sourceMap: false } });

async function bundle(input, { preserveModules = false } = {}) {
  const plugins = [resolve({ browser: true }), commonjs()];
  if (input.endsWith('.ts')) plugins.push(ts());
  const build = await rollup({ input, plugins, onwarn: () => {} });
  const { output } = await build.generate({ format: 'es', preserveModules });
  await build.close();
  return output.filter((chunk) => chunk.type === 'chunk');
}

async function cost(code) {
  const { code: min } = await minify(code, { module: true, compress: true, mangle: true });
  return { min: min.length, gzip: gzipSync(min, { level: 9 }).length };
}

// Each entry is the file a browser bundler picks from the package's `exports` (for
// socket.io-client that is build/esm: the `node` condition would pick its debug build).
const packages = [
  ['steadysocket', 'src/socket/index.ts'],
  ['partysocket', 'node_modules/partysocket/dist/index.js'],
  ['reconnecting-websocket', 'node_modules/reconnecting-websocket/dist/reconnecting-websocket-mjs.js'],
  ['socket.io-client', 'node_modules/socket.io-client/build/esm/index.js'],
];
const versionOf = (name) => JSON.parse(readFileSync(name === 'steadysocket' ? 'package.json' : `node_modules/${name}/package.json`, 'utf8')).version;
print('package                    min bytes  min+gzip');
const sizes = [];
for (const [name, input] of packages) {
  const [chunk] = await bundle(input);
  const { min, gzip } = await cost(chunk.code);
  sizes.push({ name, version: versionOf(name), entry: input, min, gzip });
  print(`${name.padEnd(26)}${String(min).padStart(10)}${String(gzip).padStart(10)}`);
}
const ours = sizes[0].gzip;

print('\nsteadysocket by module (each alone)');
const rows = [];
for (const chunk of await bundle('src/socket/index.ts', { preserveModules: true })) {
  const { min, gzip } = await cost(chunk.code);
  rows.push([chunk.fileName.replace(/^.*node_modules\//, '').replace(/\.js$/, ''), min, gzip]);
}
rows.sort((a, b) => b[2] - a[2]);
for (const [file, min, gzip] of rows.filter(([, , gzip]) => gzip > 150)) {
  print(`  ${file.padEnd(32)}${String(min).padStart(8)}${String(gzip).padStart(8)}`);
}

if (budget !== undefined) {
  const verdict = ours <= budget ? 'within' : 'OVER';
  print(`\nsteadysocket: ${ours} B min+gzip, ${verdict} the budget of ${budget} B`);
  if (ours > budget) process.exitCode = 1;
}
if (json) console.log(JSON.stringify({ packages: sizes, modules: rows.map(([file, min, gzip]) => ({ file, min, gzip })) }));
