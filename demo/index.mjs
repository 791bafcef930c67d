// npm run demo [-- --quick]
//
// The same five faults twice: first a plain SteadySocket against a plain `ws` server, then
// `resume: true` against the reference SessionServer (steadysocket/server). Each run prints
// its own timeline and summary; this prints the two side by side and exits non-zero if
// either run failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./resilience-demo.mjs', import.meta.url));
const passed = process.argv.slice(2).filter((a) => a === '--quick');
const dir = mkdtempSync(join(tmpdir(), 'steadysocket-demo-'));
const runs = {};
let failed = false;
try {
  for (const mode of ['plain', 'resume']) {
    const report = join(dir, `${mode}.json`);
    const args = [script, ...passed, `--report=${report}`, ...(mode === 'resume' ? ['--resume'] : [])];
    if (mode === 'resume') console.log('\n' + '─'.repeat(72) + '\n');
    const { status } = spawnSync(process.execPath, args, { stdio: 'inherit', timeout: 90_000 });
    if (status !== 0) failed = true;
    try {
      runs[mode] = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      failed = true;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (runs.plain && runs.resume) {
  const row = (label, key, note = '') => console.log(`  ${label.padEnd(18)} ${String(runs.plain[key]).padEnd(9)} ${String(runs.resume[key]).padEnd(9)} ${note}`);
  console.log('\nPlain vs resume (same faults)');
  console.log(`  ${''.padEnd(18)} ${'plain'.padEnd(9)} ${'resume'.padEnd(9)}`);
  row('sent', 'sent');
  row('delivered', 'delivered');
  row('duplicates', 'duplicates');
  row('lost in flight', 'lostInFlight', 'written to a connection a fault then killed');
  row('dropped', 'dropped', 'each reported in a drop event');
  row('unreported loss', 'unreported');
  row('resumed opens', 'resumedOpens');
  const unconfirmed = runs.resume.reasons?.unconfirmed ?? 0;
  console.log(`  ${'unconfirmed'.padEnd(18)} ${'–'.padEnd(9)} ${String(unconfirmed).padEnd(9)} with resume: the server crash lost its sessions (memory), so these were reported, never resent`);
}
process.exitCode = failed ? 1 : 0;
