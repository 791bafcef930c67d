/**
 * Finds a headless Chromium for the browser tests, so that `npm install && npm test` works on
 * a machine with only Node and npm. In this order:
 *
 * 1. `CHROMIUM_PATH`, if set (it must exist: a wrong path is an error, not a fallback);
 * 2. a Chromium or Chrome already on the machine: Debian's `chromium`, `google-chrome` and
 *    friends on the PATH, the usual macOS and Windows install places;
 * 3. a browser Playwright downloaded earlier (`~/.cache/ms-playwright` or
 *    `PLAYWRIGHT_BROWSERS_PATH`);
 * 4. on Linux x64/arm64, `@sparticuz/chromium`, a devDependency that ships a headless
 *    Chromium *inside* its npm package (no download at install or run time: it unpacks to
 *    the temp folder on first use, about 2 s).
 *
 * (4) is `chrome-headless-shell`, the old headless mode: it has no tab strip, so a tab
 * brought in front of another does not hide it. A minimized window still does. `kind`
 * tells the tests which browser they got.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface FoundChromium {
  executable: string;
  /** `full`: a Chrome/Chromium with new headless mode; `headless-shell`: no tab strip. */
  kind: 'full' | 'headless-shell';
  /** Where it came from, for the test log. */
  source: string;
}

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
const INSTALLED = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];
export const HOW_TO_GET_ONE =
  'No Chromium for the browser tests: install Chrome or Chromium (Debian: apt-get install chromium), ' +
  'or set CHROMIUM_PATH to one. On Linux x64/arm64 npm install brings @sparticuz/chromium, which is used when nothing else is found.';

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<FoundChromium> {
  const given = env.CHROMIUM_PATH;
  if (given) {
    if (!isExecutable(given)) throw new Error(`CHROMIUM_PATH=${given} is not an executable file. ${HOW_TO_GET_ONE}`);
    return { executable: given, kind: /headless[_-]shell/.test(given) ? 'headless-shell' : 'full', source: 'CHROMIUM_PATH' };
  }
  const installed = onPath(env.PATH ?? '') ?? INSTALLED.find(isExecutable);
  if (installed) return { executable: installed, kind: 'full', source: 'installed' };
  const playwright = fromPlaywrightCache(env);
  if (playwright) return playwright;
  const packaged = await fromSparticuz();
  if (packaged) return packaged;
  throw new Error(HOW_TO_GET_ONE);
}

function onPath(path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of ON_PATH) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Playwright's cache: `chromium-NNNN/chrome-linux*\/chrome` or `chromium_headless_shell-NNNN/…/headless_shell`. */
function fromPlaywrightCache(env: NodeJS.ProcessEnv): FoundChromium | undefined {
  const root = env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return undefined;
  const dirs = readdirSync(root).sort().reverse(); // newest revision first
  for (const [prefix, binary, kind] of [
    ['chromium-', 'chrome', 'full'],
    ['chromium_headless_shell-', 'headless_shell', 'headless-shell'],
  ] as const) {
    for (const dir of dirs.filter((d) => d.startsWith(prefix))) {
      for (const sub of readdirSync(join(root, dir))) {
        const candidate = join(root, dir, sub, binary);
        if (isExecutable(candidate)) return { executable: candidate, kind, source: 'playwright cache' };
      }
    }
  }
  return undefined;
}

async function fromSparticuz(): Promise<FoundChromium | undefined> {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) return undefined;
  let chromium: typeof import('@sparticuz/chromium').default;
  try {
    chromium = (await import('@sparticuz/chromium')).default;
  } catch {
    return undefined; // not installed (npm install --omit=dev)
  }
  const executable = await chromium.executablePath();
  return { executable, kind: 'headless-shell', source: '@sparticuz/chromium' };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
