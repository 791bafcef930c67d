import { describe, expect, it } from 'vitest';
import { ORPHAN_MS, Registry } from '../../src/react/registry';
import { ManualClock } from '../helpers/manual-clock';

/** A registry of named things that records which it ended, on a manual clock. */
function registry() {
  const clock = new ManualClock();
  const ended: string[] = [];
  let made = 0;
  const things = new Registry<string>((value) => void ended.push(value), clock);
  const lookup = (key: string) => things.lookup(key, () => `${key}#${++made}`);
  return { clock, ended, things, lookup };
}

describe('Registry', () => {
  it('gives the same lease to every lookup of a key, made once', () => {
    const { lookup } = registry();
    const a = lookup('a');
    expect(lookup('a')).toBe(a);
    expect(a.value).toBe('a#1');
    expect(lookup('b').value).toBe('b#2');
  });

  it("survives StrictMode's mount, cleanup and re-mount in one task", () => {
    const { clock, ended, things, lookup } = registry();
    const lease = lookup('a'); // render (twice, under StrictMode: same lease)
    expect(lookup('a')).toBe(lease);
    expect(things.acquire(lease)).toBe(true); // effect
    things.release(lease); // StrictMode's cleanup
    expect(things.acquire(lease)).toBe(true); // and its re-run, in the same task
    clock.advance(ORPHAN_MS * 2);
    expect(ended).toEqual([]);
    expect(things.held(lease)).toBe(true);
  });

  it('ends a thing after the task in which its last user let go, and makes a new one after', () => {
    const { clock, ended, things, lookup } = registry();
    const lease = lookup('a');
    things.acquire(lease);
    things.acquire(lease);
    things.release(lease);
    clock.advance(0);
    expect(ended).toEqual([]);
    things.release(lease);
    expect(ended).toEqual([]); // not in the same task
    clock.advance(0);
    expect(ended).toEqual(['a#1']);
    expect(things.held(lease)).toBe(false);
    expect(things.acquire(lease)).toBe(false); // a commit that comes too late must look up again
    expect(lookup('a').value).toBe('a#2');
  });

  it('ends what a render made if no effect takes it within ORPHAN_MS (a render thrown away)', () => {
    const { clock, ended, things, lookup } = registry();
    const orphan = lookup('a');
    clock.advance(ORPHAN_MS - 1);
    expect(ended).toEqual([]);
    const kept = lookup('b');
    clock.advance(1);
    expect(ended).toEqual(['a#1']);
    expect(things.acquire(kept)).toBe(true); // a slow commit within the grace
    clock.advance(ORPHAN_MS);
    expect(ended).toEqual(['a#1']);
    expect(things.acquire(orphan)).toBe(false);
  });

  it('leaves a newer lease of the same key alone when an old one goes', () => {
    const { clock, ended, things, lookup } = registry();
    const old = lookup('a');
    things.acquire(old);
    things.release(old);
    clock.advance(0);
    const fresh = lookup('a');
    expect(fresh).not.toBe(old);
    things.acquire(fresh);
    expect(lookup('a')).toBe(fresh);
    expect(ended).toEqual(['a#1']);
  });
});
