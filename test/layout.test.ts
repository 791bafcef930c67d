/** STYLE.md's layout: each layer a folder with its entry point, no file past ~300 lines. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

describe('src/ layout', () => {
  it('has one folder per entry point, each with its index.ts', () => {
    expect(files.filter((f) => f.endsWith('index.ts')).sort()).toEqual(['channels/index.ts', 'react/index.ts', 'socket/index.ts']);
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

  it('channels use the socket through its entry point only', () => {
    for (const file of files.filter((f) => f.startsWith('channels/'))) {
      const imports = [...readFileSync(join(src, file), 'utf8').matchAll(/from '(\.\.\/socket\/[^']+)'/g)].map((m) => m[1]);
      expect(imports.every((i) => i === '../socket/index'), `${file}: ${imports.join(', ')}`).toBe(true);
    }
  });
});
