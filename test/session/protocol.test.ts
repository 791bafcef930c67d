import { describe, expect, it } from 'vitest';
import { ackCount, chosenProtocol, decodeHello, decodeWelcome, encode, offerProtocols } from '../../src/session/protocol';

describe('#offerProtocols', () => {
  it.each([
    [[], ['steadysocket', 'steadysocket.1']],
    [['chat'], ['chat', 'steadysocket.1+chat']],
    [['a', 'b'], ['a', 'b', 'steadysocket.1+a', 'steadysocket.1+b']],
  ])('%j → %j', (user, offered) => {
    expect(offerProtocols(user)).toEqual(offered);
  });
});

describe('#chosenProtocol', () => {
  it.each([
    ['steadysocket.1', true, ''],
    ['steadysocket.1+chat', true, 'chat'],
    ['steadysocket', false, ''],
    ['chat', false, 'chat'],
    ['', false, ''],
    ['steadysocket.10', false, 'steadysocket.10'],
  ])('%j: session %s, user %j', (selected, session, user) => {
    expect(chosenProtocol(selected)).toEqual({ session, user });
  });
});

describe('#ackCount', () => {
  it.each([
    ['0', 0],
    ['12', 12],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', -1],
    ['012', -1],
    ['', -1],
    ['-1', -1],
    ['1e3', -1],
    [' 1', -1],
    ['1.0', -1],
  ])('%j → %i', (text, count) => {
    expect(ackCount(text)).toBe(count);
  });
});

describe('#decodeWelcome, #decodeHello', () => {
  const window = { messages: 1, bytes: 1 };
  it.each([
    ['null', undefined],
    ['"W"', undefined],
    ['[1]', undefined],
    ['{', undefined],
    [JSON.stringify({ v: 1, session: 't', resumed: false, received: 0, window, ttl: 0 }), { v: 1, session: 't', resumed: false, received: 0, window, ttl: 0 }],
    [JSON.stringify({ v: 1, session: 't', resumed: 1, received: 0, window, ttl: 0 }), undefined],
    [JSON.stringify({ v: 1, session: 't', resumed: false, received: 0.5, window, ttl: 0 }), undefined],
    [JSON.stringify({ v: 1, session: 't', resumed: false, received: 0, window: { messages: 1, bytes: 0 }, ttl: 0 }), undefined],
    [JSON.stringify({ v: 1, session: 't', resumed: false, received: 0, window: null, ttl: 0 }), undefined],
    [JSON.stringify({ v: 1, session: 't', resumed: false, received: 0, window, ttl: -1 }), undefined],
  ])('welcome %s', (json, welcome) => {
    expect(decodeWelcome(json)).toEqual(welcome);
  });

  it.each([
    ['null', undefined],
    [JSON.stringify({ v: 1, window }), { v: 1, window }],
    [JSON.stringify({ v: 1, window, session: 't', received: 0 }), { v: 1, window, session: 't', received: 0 }],
    [JSON.stringify({ v: 1, window, received: 0 }), undefined],
    [JSON.stringify({ v: 1, window, session: 1, received: 0 }), undefined],
    [JSON.stringify({ v: 1, window: [] }), undefined],
  ])('hello %s', (json, hello) => {
    expect(decodeHello(json)).toEqual(hello);
  });
});

describe('#encode', () => {
  it('writes the frames of the document', () => {
    expect(encode.ack(42)).toBe('A42');
    expect(encode.ping()).toBe('P');
    expect(encode.pong('x')).toBe('Qx');
    expect(encode.bye()).toBe('B');
    expect(encode.hello({ v: 1, window: { messages: 2, bytes: 3 } })).toBe('H{"v":1,"window":{"messages":2,"bytes":3}}');
  });
});
