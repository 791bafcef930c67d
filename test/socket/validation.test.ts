import { describe, expect, it } from 'vitest';
import { validateClose } from '../../src/socket/validation';

describe('#validateClose', () => {
  it.each([
    [undefined, undefined, {}],
    [1000, undefined, { code: 1000 }],
    [3000, 'x', { code: 3000, reason: 'x' }],
    [4999, '', { code: 4999, reason: '' }],
    ['1000', undefined, { code: 1000 }],
    [1000.2, undefined, { code: 1000 }],
    // [Clamp] rounds halves to the even integer, as the native close() does (issue 14, item 9).
    [3000.5, undefined, { code: 3000 }],
    [3001.5, undefined, { code: 3002 }],
    [3000.51, undefined, { code: 3001 }],
    [4998.5, undefined, { code: 4998 }],
    [2999.5, undefined, { code: 3000 }],
    [1000, 'é'.repeat(61), { code: 1000, reason: 'é'.repeat(61) }], // 122 bytes
  ])('accepts code %s reason %j', (code, reason, expected) => {
    expect(validateClose(code, reason)).toEqual({ code: undefined, reason: undefined, ...expected });
  });

  it.each([999, 1001, 1005, 1006, 1015, 2999, 5000, 0, -1, NaN, 65536 + 1000, 4999.5 /* rounds to 5000 */])(
    'refuses code %s with InvalidAccessError',
    (code) => {
      expect(() => validateClose(code, undefined)).toThrowError(expect.objectContaining({ name: 'InvalidAccessError' }));
    },
  );

  it.each([
    ['124 ASCII bytes', 'x'.repeat(124)],
    ['62 two-byte characters (124 bytes)', 'é'.repeat(62)],
    ['31 emoji plus one (125 bytes)', '😀'.repeat(31) + 'x'],
  ])('refuses a reason of %s with SyntaxError', (_name, reason) => {
    expect(() => validateClose(1000, reason)).toThrowError(expect.objectContaining({ name: 'SyntaxError' }));
  });

  it('accepts exactly 123 bytes', () => {
    expect(() => validateClose(1000, 'x'.repeat(123))).not.toThrow();
  });
});

describe('#validateClose messages', () => {
  it('say what the code and reason must be, and what was given', () => {
    expect(() => validateClose(999, undefined)).toThrow('SteadySocket: close code must be 1000, or 3000 to 4999, got 999');
    expect(() => validateClose(1000, 'é'.repeat(62))).toThrow('SteadySocket: close reason must be at most 123 UTF-8 bytes, got 124');
  });
});
