/**
 * Server rendering (issue 16): react-dom/server's renderToString in Node, with React 18 and 19
 * under StrictMode, over the built steadysocket/react. Each run is a separate Node process
 * (test/react/fixtures/ssr-app.tsx bundled), so what React or the library print goes to its
 * stderr, which must stay empty, and the timers left behind are its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleApp, MAJORS } from './bundle';

const dir = mkdtempSync(join(tmpdir(), 'steadysocket-ssr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(MAJORS)('server rendering with React %i', (major) => {
  it('renders connecting, makes no connection, leaves no timer and prints nothing', async () => {
    const file = join(dir, `ssr-${major}.cjs`);
    writeFileSync(file, await bundleApp('react/fixtures/ssr-app.tsx', major, 'node'));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
    expect(stderr).toBe('');
    const out = JSON.parse(stdout) as { version: string; html: string; constructed: number; timers: number; globalWebSocket: string };
    expect(out.version.split('.')[0]).toBe(String(major));
    expect(out.constructed).toBe(0);
    expect(out.timers).toBe(0);
    expect(out.html.replace(/<!-- -->/g, '')).toBe(
      '<p>state=connecting queued=0 received=0 last=null chat=0 loading=false</p>'.repeat(2) + '<span>bare=connecting</span>',
    );
  }, 30_000);
});
