import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run check:package`: publint (--strict: warnings fail too) and arethetypeswrong over the
// packed tarball (`attw --pack`, profile node16: node16 from CJS, node16 from ESM and bundler
// resolution, the ones API.md §7 names; TypeScript's legacy node10 resolution cannot see
// subpath exports such as steadysocket/channels). Both pack the package as `npm publish` would, so they judge what users
// install: the exports map, "files", the declarations and their module formats. It reads the
// built dist/ (`npm test` builds first) and builds nothing itself, so it cannot race the other
// tests that read dist/.

const root = resolve(fileURLToPath(new URL('../../', import.meta.url)));

function checkPackage(): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['run', '--silent', 'check:package'],
      { cwd: root, timeout: 120_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: unknown }) | null;
        done({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          output: `${stdout}\n${stderr}`,
        });
      },
    );
  });
}

describe('npm run check:package', () => {
  it('publint and attw find no problem in the packed package', async () => {
    for (const file of ['steadysocket.mjs', 'steadysocket.cjs', 'steadysocket.d.ts', 'steadysocket.d.cts']) {
      if (!existsSync(join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
    const { code, output } = await checkPackage();
    expect(code, output).toBe(0);
    expect(output).toContain('All good!'); // publint
    // attw: every resolution API.md §7 names is green; node10 may only be ignored, never failing.
    for (const line of output.split('\n').filter((l) => /^(node16|bundler)/.test(l))) expect(line).toMatch(/🟢/);
    expect(output.split('\n').filter((l) => /^node10: 💀/.test(l))).toEqual([]);
  }, 130_000);
});
