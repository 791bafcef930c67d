import { describe, expect, it } from 'vitest';
import { chosenProtocol, encode, offerProtocols } from '../../src/session/protocol';

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

describe('#encode', () => {
  it('writes the frames of the document', () => {
    expect(encode.ack(42)).toBe('A42');
    expect(encode.ping()).toBe('P');
    expect(encode.pong('x')).toBe('Qx');
    expect(encode.bye()).toBe('B');
    expect(encode.hello({ v: 1, window: { messages: 2, bytes: 3 } })).toBe('H{"v":1,"window":{"messages":2,"bytes":3}}');
  });
});
