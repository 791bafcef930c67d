/**
 * The published declarations (dist/*.d.ts, `npm test` builds first) in a Node project with
 * no DOM lib: `lib: ["ES2022"]`, `types: ["node"]`, strict, exactOptionalPropertyTypes,
 * `skipLibCheck: false` (API.md §1). The fixture imports the package by its name, so
 * TypeScript resolves it through package.json `exports`, as in an app.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/node-no-dom/tsconfig.json', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

describe('types in a Node project without the DOM lib', () => {
  it('compile with skipLibCheck false', async () => {
    const run = promisify(execFile)(process.execPath, [tsc, '-p', fixture], { encoding: 'utf8' });
    await expect(run.then((r) => r.stdout, (e: { stdout?: string }) => Promise.reject(new Error(e.stdout)))).resolves.toBe('');
  }, 60_000);
});
