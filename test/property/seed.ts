/**
 * One seed for every fast-check property of a run: FC_SEED replays a run, otherwise it is
 * drawn afresh. Printed by each file that uses it, with the figures the README quotes.
 */
export const seed: number =
  process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;

/** Prints one `[reliability]` line: `npm test` output carries the figures of the README. */
export function report(line: string): void {
  console.log(`[reliability] ${line}`);
}
