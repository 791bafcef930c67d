import { describe, expect, it } from 'vitest';
import { canTransition, readyStateOf, type ConnectionState } from '../../src/socket/state';

const states: ConnectionState[] = ['connecting', 'open', 'reconnecting', 'closing', 'closed'];
const allowed = new Set([
  'connecting→open',
  'connecting→reconnecting',
  'connecting→connecting',
  'connecting→closed',
  'open→reconnecting',
  'open→connecting',
  'open→closing',
  'open→closed',
  'reconnecting→connecting',
  'reconnecting→closed',
  'closing→closed',
  'closed→connecting',
]);

describe('#canTransition', () => {
  it.each(states.flatMap((from) => states.map((to) => [from, to, allowed.has(`${from}→${to}`)] as const)))(
    '%s → %s: %s',
    (from, to, ok) => {
      expect(canTransition(from, to)).toBe(ok);
    },
  );
});

describe('#readyStateOf', () => {
  it.each([
    ['connecting', 0],
    ['reconnecting', 0],
    ['open', 1],
    ['closing', 2],
    ['closed', 3],
  ] as const)('%s is %i', (state, n) => {
    expect(readyStateOf(state)).toBe(n);
  });
});
