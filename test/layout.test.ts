/** STYLE.md's layout: each layer a folder with its entry point, no file past ~300 lines. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('src/ layout', () => {
  it('has one folder per entry point, each with its index.ts', () => {
    expect(files.filter((f) => f.endsWith('index.ts')).sort()).toEqual(['channels/index.ts', 'react/index.ts', 'server/index.ts', 'socket/index.ts', 'testing/index.ts']);
  });

  it.each(files)('%s stays within ~300 lines', (file) => {
    expect(readFileSync(join(src, file), 'utf8').split('\n').length).toBeLessThanOrEqual(310);
  });

  it('react uses the socket and channels through their entry points only, and imports nothing else but react', () => {
    for (const file of files.filter((f) => f.startsWith('react/'))) {
      const imports = [...readFileSync(join(src, file), 'utf8').matchAll(/^(?:import|export) [^;]*? from '([^']+)'/gms)].map((m) => m[1]);
      if (file === 'react/index.ts') expect(imports.length).toBeGreaterThan(0); // the pattern sees imports
      const allowed = (i: string | undefined) => i === 'react' || i === '../socket/index' || i === '../channels/index' || /^\.\/[\w-]+$/.test(i ?? '');
      expect(imports.every(allowed), `${file}: ${imports.join(', ')}`).toBe(true);
    }
  });

  it.each(['channels', 'server', 'testing'])('%s use the socket through its entry point only', (layer) => {
    for (const file of files.filter((f) => f.startsWith(`${layer}/`))) {
      const imports = [...readFileSync(join(src, file), 'utf8').matchAll(/from '(\.\.\/socket\/[^']+)'/g)].map((m) => m[1]);
      expect(imports.every((i) => i === '../socket/index'), `${file}: ${imports.join(', ')}`).toBe(true);
    }
  });

  it('the session protocol (shared by client and server) depends on no other layer', () => {
    for (const file of files.filter((f) => f.startsWith('session/'))) {
      const imports = [...readFileSync(join(src, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      expect(imports.every((i) => i.startsWith('./')), `${file}: ${imports.join(', ')}`).toBe(true);
    }
  });

  it('keeps the socket and channels free of the test kit', () => {
    const offenders = files.filter((f) => !f.startsWith('testing/') && /from '(?:[^']*\/testing\/[^']*|mock-socket)'/.test(readFileSync(join(src, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
