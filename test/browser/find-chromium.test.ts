import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium } from './find-chromium';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder with the given executable files (relative paths). */
function tree(...files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'find-chromium-'));
  made.push(root);
  for (const file of files) {
    const path = join(root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
  }
  return root;
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and fails with a clear line when it is wrong', async () => {
    const bin = tree('bin/chromium', 'mine/chrome');
    const found = await findChromium({ CHROMIUM_PATH: join(bin, 'mine/chrome'), PATH: join(bin, 'bin') });
    expect(found).toMatchObject({ executable: join(bin, 'mine/chrome'), kind: 'full', source: 'CHROMIUM_PATH' });
    await expect(findChromium({ CHROMIUM_PATH: join(bin, 'nothing') })).rejects.toThrow(/CHROMIUM_PATH=.*not an executable.*apt-get install chromium/);
  });

  it.each(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'])('finds %s on the PATH', async (name) => {
    const bin = tree(`bin/${name}`);
    const found = await findChromium({ PATH: `/nonexistent:${join(bin, 'bin')}`, PLAYWRIGHT_BROWSERS_PATH: tree() });
    expect(found).toEqual({ executable: join(bin, 'bin', name), kind: 'full', source: 'installed' });
  });

  it("prefers Playwright's newest Chromium over its headless shell, before the packaged one", async () => {
    const cache = tree(
      'chromium-1100/chrome-linux/chrome',
      'chromium-1200/chrome-linux64/chrome',
      'chromium_headless_shell-1300/chrome-linux/headless_shell',
    );
    const found = await findChromium({ PATH: '', PLAYWRIGHT_BROWSERS_PATH: cache });
    expect(found).toEqual({ executable: join(cache, 'chromium-1200/chrome-linux64/chrome'), kind: 'full', source: 'playwright cache' });
    const shellOnly = tree('chromium_headless_shell-1300/chrome-linux/headless_shell');
    expect(await findChromium({ PATH: '', PLAYWRIGHT_BROWSERS_PATH: shellOnly })).toMatchObject({ kind: 'headless-shell' });
  });

  it.runIf(process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch))(
    'falls back to the Chromium inside the @sparticuz/chromium package, which runs',
    async () => {
      const found = await findChromium({ PATH: '', PLAYWRIGHT_BROWSERS_PATH: tree() });
      expect(found).toMatchObject({ kind: 'headless-shell', source: '@sparticuz/chromium' });
      const { execFileSync } = await import('node:child_process');
      expect(execFileSync(found.executable, ['--version'], { encoding: 'utf8' })).toMatch(/Chromium \d+/);
    },
    30_000,
  );
});
