/**
 * The README's code is the examples' code, and every example runs under a test.
 *
 * An example file marks what the README shows with `// #region readme` … `// #endregion`
 * (`<!-- #region readme -->` … `<!-- #endregion -->` in HTML); a file may have several such
 * regions (imports, then the code after a setup line the README leaves out), and the README
 * shows them joined by one blank line. In README.md, the line right before a fenced block
 * names its file: `<!-- example: examples/npm.mjs -->`. The block must equal the file's
 * regions exactly, and every JavaScript, TypeScript or HTML block in the README must be one
 * of these.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/**
 * Where each example runs: the test file whose `describe('examples/<file> …')` runs it. The
 * test kit's vitest example is a test file itself, run by this suite: it is its own runner.
 */
const RUNNERS = [
  'test/examples.test.ts',
  'test/browser/examples.test.ts',
  'test/browser/web-demo.test.ts',
  'test/runtimes/react-native.test.ts',
  'test/testing/runners.test.ts',
  'examples/testing.test.ts',
];

const LANGUAGE: Record<string, string> = { '.mjs': 'js', '.js': 'js', '.ts': 'ts', '.tsx': 'tsx', '.html': 'html' };
const CODE_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'jsx', 'ts', 'typescript', 'tsx', 'html']);

const START = /^(?:\/\/ #region readme|<!-- #region readme -->)$/;
const END = /^(?:\/\/ #endregion|<!-- #endregion -->)$/;

/** The README part of an example: its readme regions, each without blank edge lines, joined by a blank line. */
function readmeRegions(source: string): string | undefined {
  const regions: string[][] = [];
  let current: string[] | undefined;
  source.split('\n').forEach((line, index) => {
    const marker = line.trim();
    if (START.test(marker)) {
      if (current) throw new Error(`line ${index + 1}: a region starts inside another`);
      current = [];
    } else if (END.test(marker)) {
      if (!current) throw new Error(`line ${index + 1}: #endregion without #region`);
      regions.push(current);
      current = undefined;
    } else {
      current?.push(line);
    }
  });
  if (current) throw new Error('a region is not closed');
  if (regions.length === 0) return undefined;
  const trim = (lines: string[]) => lines.join('\n').replace(/^\s*\n/, '').trimEnd();
  return regions.map(trim).join('\n\n');
}

interface Block {
  /** The file named by the marker right above the block, if any. */
  example: string | undefined;
  language: string;
  code: string;
  line: number;
}

/** Every fenced block of a Markdown text, with the `<!-- example: … -->` marker above it. */
function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && line === '```');
    if (end === -1) throw new Error(`README.md line ${i + 1}: unclosed code block`);
    const marker = /^<!-- example: (\S+) -->$/.exec(lines[i - 1] ?? '');
    blocks.push({ example: marker?.[1], language: open[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

const examples = readdirSync(join(root, 'examples'))
  .filter((file) => file !== 'README.md')
  .sort();
const readme = fencedBlocks(read('README.md'));

describe('region and block parsing', () => {
  it('joins regions, drops blank edge lines, and refuses broken markers', () => {
    const file = ['import a;', '// #region readme', '', 'x();', '', '// #endregion', 'setup();', '  <!-- #region readme -->', 'y();', '  <!-- #endregion -->'];
    expect(readmeRegions(file.join('\n'))).toBe('x();\n\ny();');
    expect(readmeRegions('no regions')).toBeUndefined();
    expect(() => readmeRegions('// #region readme\nx();')).toThrow(/not closed/);
    expect(() => readmeRegions('x();\n// #endregion')).toThrow(/without #region/);
    expect(() => readmeRegions('// #region readme\n// #region readme\n// #endregion')).toThrow(/inside another/);
  });

  it('finds blocks and their markers', () => {
    const markdown = ['text', '<!-- example: examples/a.mjs -->', '```js', 'a();', '```', '', '```sh', 'npm test', '```'].join('\n');
    expect(fencedBlocks(markdown)).toEqual([
      { example: 'examples/a.mjs', language: 'js', code: 'a();', line: 3 },
      { example: undefined, language: 'sh', code: 'npm test', line: 7 },
    ]);
  });
});

describe('README.md code blocks', () => {
  it('show examples only: every JavaScript, TypeScript and HTML block names its example file', () => {
    const unmarked = readme.filter((block) => CODE_LANGUAGES.has(block.language) && !block.example);
    expect(unmarked.map((block) => `README.md line ${block.line} (${block.language})`)).toEqual([]);
  });

  it.each(readme.filter((block) => block.example).map((block) => [block.example!, block]))(
    '%s: the block is the file’s readme regions, exactly',
    (example, block) => {
      expect(example).toMatch(/^examples\/[^/]+$/);
      expect(examples).toContain(example.slice('examples/'.length));
      expect(block.language).toBe(LANGUAGE[extname(example)]);
      const regions = readmeRegions(read(example));
      expect(regions, `${example} has no "#region readme"`).toBeDefined();
      expect(block.code).toBe(regions);
    },
  );

  it('leave no readme region unshown', () => {
    const shown = new Set(readme.map((block) => block.example));
    const withRegions = examples.filter((file) => readmeRegions(read(`examples/${file}`)) !== undefined);
    expect(withRegions.filter((file) => !shown.has(`examples/${file}`))).toEqual([]);
  });

  it('show the three ways in within Quick start: npm, a script tag at a pinned version, React Native', () => {
    const markdown = read('README.md');
    const quickStart = markdown.slice(markdown.indexOf('## Quick start'), markdown.indexOf('\n## ', markdown.indexOf('## Quick start') + 1));
    const shown = fencedBlocks(quickStart).map((block) => block.example);
    expect(shown).toEqual(expect.arrayContaining(['examples/npm.mjs', 'examples/script-tag.html', 'examples/react-native.js']));
    const { version } = JSON.parse(read('package.json')) as { version: string };
    expect(quickStart).toContain(`https://cdn.jsdelivr.net/npm/steadysocket@${version}/dist/steadysocket.umd.min.js`);
  });
});

describe('examples/', () => {
  const runners = RUNNERS.map(read).join('\n');

  it.each(examples)('%s runs under a test', (file) => {
    expect(runners).toMatch(new RegExp(`describe\\(\\s*['"\`]examples/${file.replace(/\./g, '\\.')}[ '"\`]`));
  });

  it.each(examples)('%s is listed in examples/README.md and in README.md', (file) => {
    expect(read('examples/README.md')).toContain(`(${file})`);
    expect(read('README.md')).toContain(`(examples/${file})`);
  });
});
