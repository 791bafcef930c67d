/**
 * docs/MIGRATING.md: every table row is checked. Its first column must name an option or
 * method that the peer's published types declare (the types listed in the table's marker),
 * its second one that steadysocket's published types declare (dist/*.d.ts; `npm test` builds
 * first). The behaviours those rows describe are tested where the behaviour lives
 * (test/integration/peer-names.test.ts, the socket's and channels' own tests).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const doc = readFileSync(`${root}docs/MIGRATING.md`, 'utf8');
const ours = ['dist/steadysocket.d.ts', 'dist/channels.d.ts', 'dist/react.d.ts'].map((f) => readFileSync(`${root}${f}`, 'utf8')).join('\n');

interface Table {
  peer: string;
  types: string;
  rows: [theirs: string, mine: string][];
}

/** Each `<!-- peer: NAME; types: FILES -->` marker and the table after it. */
function tables(): Table[] {
  const found: Table[] = [];
  for (const match of doc.matchAll(/<!-- peer: ([^;]+); types: ([^>]+) -->\n\n((?:\|.*\|\n)+)/g)) {
    const [, peer, files, body] = match;
    const types = files!.trim().split(/\s+/).map((f) => readFileSync(`${root}${f}`, 'utf8')).join('\n');
    const rows = body!
      .trim()
      .split('\n')
      .slice(2) // header and separator
      .map((line) => line.split('|').slice(1, 3).map((cell) => /`([^`]+)`/.exec(cell)?.[1] ?? cell.trim()) as [string, string]);
    found.push({ peer: peer!.trim(), types, rows });
  }
  return found;
}

/** Whether declarations name `name` (a property, method, event or code). */
const declares = (types: string, name: string) => new RegExp(`(^|[^\\w$])${name.replace(/[$.]/g, '\\$&')}([^\\w$]|$)`, 'm').test(types);

const all = tables();

describe('docs/MIGRATING.md', () => {
  it('has a table for each client the issue names, each with rows', () => {
    expect(all.map((t) => t.peer)).toEqual(['reconnecting-websocket', 'partysocket', 'partysocket/react', 'sockette', 'websocket-ts', 'socket.io-client']);
    for (const table of all) expect(table.rows.length).toBeGreaterThan(3);
  });

  it.each(all.flatMap((t) => t.rows.map(([theirs, mine]) => [t.peer, theirs, mine, t.types] as const)))(
    '%s: `%s` is theirs, `%s` is ours',
    (_peer, theirs, mine, types) => {
      expect(declares(types, theirs), `${theirs} in the peer's types`).toBe(true);
      expect(declares(ours, mine), `${mine} in steadysocket's types`).toBe(true);
    },
  );

  it('is linked from the README', () => {
    expect(readFileSync(`${root}README.md`, 'utf8')).toContain('docs/MIGRATING.md');
  });
});
