/**
 * Bundles a test app with esbuild against React 18 or 19, as an app's bundler would: JSX
 * (automatic runtime), development builds (StrictMode double-invokes only there), and
 * 'steadysocket' and its subpaths resolved to this checkout's dist/ through package.json
 * `exports` (`npm test` builds first). For React 18, every import of react and react-dom —
 * steadysocket/react's and react-dom's own — goes to the react-18 and react-dom-18 aliases.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export type ReactMajor = 18 | 19;
export const MAJORS: readonly ReactMajor[] = [18, 19];

const root = fileURLToPath(new URL('../../', import.meta.url));
const { exports } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };

/** `steadysocket` and `steadysocket/*` to dist/, by the exports map's `import` condition. */
const selfReference: Plugin = {
  name: 'self-reference',
  setup(b) {
    b.onResolve({ filter: /^steadysocket(\/|$)/ }, ({ path }) => {
      const target = exports[`.${path.slice('steadysocket'.length)}`]?.import?.default;
      if (!target) return { errors: [{ text: `steadysocket has no export ${path}` }] };
      return { path: `${root}${target.slice(2)}` };
    });
  },
};

/** The bundle of `entry` (a path under test/) as one script, for a browser page or for Node (CommonJS). */
export async function bundleApp(entry: string, major: ReactMajor, platform: 'browser' | 'node'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, new URL('../', import.meta.url)))],
    bundle: true,
    write: false,
    platform,
    format: platform === 'node' ? 'cjs' : 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: major === 18 ? { react: 'react-18', 'react-dom': 'react-dom-18' } : {},
    plugins: [selfReference],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles ?? [];
  if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
  return output.text;
}
