import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, toOutbound, utf8Length } from '../../src/socket/data';

describe('#utf8Length', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀b€é', 11],
    ['\ud800', 3], // lone high surrogate → U+FFFD
    ['\udc00', 3], // lone low surrogate → U+FFFD
    ['\ud800x', 4],
    ['\ud800\ud800', 6],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('counts short strings of any UTF-16 units (pairs, lone and reversed surrogates) as the encoder does', () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd7fe, max: 0xe001 }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 64 }), (units) => {
        const text = String.fromCharCode(...units);
        expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
      }),
      { numRuns: 2000 },
    );
  });

  // Long strings go through the runtime's encoder, in 16 KiB pieces of output.
  it.each([
    ['100 ASCII', 'x'.repeat(100), 100],
    ['10,000 × é', 'é'.repeat(10_000), 20_000],
    ['a pair that does not fit the first piece', 'x'.repeat(16_383) + '😀' + 'x', 16_388],
    ['a lone surrogate at the edge of a piece', 'x'.repeat(16_383) + '\ud800' + 'x'.repeat(70), 16_456],
    ['30,000 × €', '€'.repeat(30_000), 90_000],
  ])('%s is %i bytes', (_, text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe('#byteLength', () => {
  it.each([
    ['string', 'héllo', 6],
    ['ArrayBuffer', new ArrayBuffer(5), 5],
    ['Uint8Array view', new Uint8Array(new ArrayBuffer(16), 4, 8), 8],
    ['Float64Array', new Float64Array(3), 24],
    ['DataView', new DataView(new ArrayBuffer(10), 2), 8],
    ['Blob', new Blob(['abc', new Uint8Array(4)]), 7],
  ])('%s', (_name, data, bytes) => {
    expect(byteLength(data)).toBe(bytes);
  });
});

describe('#toOutbound', () => {
  it.each([
    ['a string', 'x', 'x'],
    ['a number', 42, '42'],
    ['a boolean', true, 'true'],
  ])('accepts %s', (_name, input, output) => {
    expect(toOutbound(input)).toBe(output);
  });

  it('passes binary data through untouched', () => {
    const buffer = new ArrayBuffer(2);
    const view = new Uint16Array(3);
    const blob = new Blob(['x']);
    expect(toOutbound(buffer)).toBe(buffer);
    expect(toOutbound(view)).toBe(view);
    expect(toOutbound(blob)).toBe(blob);
  });

  it.each([
    ['a plain object', { a: 1 }, /got an instance of Object/],
    ['null', null, /got null/],
    ['undefined', undefined, /got undefined/],
    ['a function', () => 1, /got function/],
    ['a symbol', Symbol('s'), /got symbol/],
  ])('refuses %s with a TypeError', (_name, input, message) => {
    expect(() => toOutbound(input)).toThrow(TypeError);
    expect(() => toOutbound(input)).toThrow(message);
  });
});
