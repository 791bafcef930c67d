/**
 * The test kit under jest: examples/testing.jest.cjs runs in a jest process of its own
 * (CommonJS, jest's globals, dist/ through `require`), as a user's jest suite would.
 * Under vitest, examples/testing.test.ts runs as part of this suite itself.
 * Assumes dist/ is built (`npm test` builds it first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function jest(): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(root, 'test', 'testing', 'jest.config.cjs'), '--ci', '--colors=false'],
      { cwd: root, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0;
        done({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('examples/testing.jest.cjs under jest', () => {
  it('passes every test, and runs them all', async () => {
    for (const file of ['steadysocket.cjs', 'testing.cjs']) {
      if (!existsSync(join(root, 'dist', file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
    const { code, output } = await jest();
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(output).toContain('PASS examples/testing.jest.cjs');
  }, 70_000);
});
