import { describe, expect, it } from 'vitest';
import { describeSafely, redactUrls, safeCause } from '../../src/socket/redact';

describe('#redactUrls', () => {
  it.each([
    ['wss://h.example/feed?token=s3cret', 'wss://h.example/feed?***'],
    ['ws://user:s3cret@h.example:8080/a', 'ws://***@h.example:8080/a'],
    ['Invalid URL: ws://h/x?t=s3cret#frag and more', 'Invalid URL: ws://h/x?*** and more'],
    ["SteadySocket: invalid WebSocket URL 'http://u:p@h/?a=1'", "SteadySocket: invalid WebSocket URL 'http://***@h/?***"],
    ["a quote in the path: ws://h/it's?token=s3cret", "a quote in the path: ws://h/it's?***"],
    ['connect ECONNREFUSED 127.0.0.1:1', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['two: ws://a/?x=1 wss://b/#y', 'two: ws://a/?*** wss://b/?***'],
    ['no url at all, why? request #3', 'no url at all, why? request #3'],
    ["invalid WebSocket URL '/feed?token=s3cret'", "invalid WebSocket URL '/feed?***"],
    ['Invalid URL: localhost:8080/feed?token=s3cret', 'Invalid URL: localhost:8080/feed?***'],
    ['user:s3cret@host.example/feed', '***@host.example/feed'],
    ['no host: ws://user:s3cret@ and more', 'no host: ws://***@ and more'],
    ['two at signs: ws://user:s3cret@@h/', 'two at signs: ws://***@@h/'],
    ['end of text: ws://user:s3cret@', 'end of text: ws://***@'],
  ])('%s → %s', (text, redacted) => {
    expect(redactUrls(text)).toBe(redacted);
    expect(redactUrls(text)).not.toMatch(/s3cret/);
  });
});

describe('#safeCause', () => {
  it('copies an Error with its name and a redacted message, and hands out nothing else', () => {
    const cause = safeCause(new SyntaxError('Invalid URL: ws://h/?token=s3cret'));
    expect(cause).toBeInstanceOf(Error);
    expect(cause?.name).toBe('SyntaxError');
    expect(cause?.message).toBe('Invalid URL: ws://h/?***');
    expect(safeCause({ type: 'error', target: { url: 'ws://h/?token=s3cret' } })).toBeUndefined();
    expect(describeSafely('ws://h/?token=s3cret')).toBe('ws://h/?***');
  });
});
