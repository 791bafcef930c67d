// Node module hooks that run a .ts file by stripping its types with the TypeScript
// compiler, for Node versions that cannot do it themselves (type stripping is on by default
// from Node 23.6). Used by test/examples.test.ts to run examples/*.ts as real programs:
//   node --import <a data: URL that registers this file> examples/typed-channels.ts
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
