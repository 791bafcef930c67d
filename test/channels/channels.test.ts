import { describe, expect, it } from 'vitest';
import { channels, typePayloadCodec, type ChannelsOptions, type StandardSchemaV1 } from '../../src/channels/index';
import { onTestServer } from '../helpers/kit';
import { settle } from '../helpers/setup';

type Api = {
  chat: { receive: { from: string; text: string }; send: { text: string } };
  time: { request: { zone: string }; reply: { now: number } };
  echo: { request: string; reply: string };
};

/** Channels on a socket of the test kit; `open()` makes the first connection. */
function make(options: ChannelsOptions = {}) {
  const { socket, clock, server, start, received } = onTestServer({}, 'ws://test.invalid/', false);
  const api = channels<Api>(socket, { clock, ...options });
  const invalid: { reason: string; channel: string | undefined; data: unknown; issues: readonly { message: string }[] }[] = [];
  api.on('invalid', (e) => invalid.push({ reason: e.reason, channel: e.channel, data: e.data, issues: e.issues }));
  const sent = () => received().map((m) => JSON.parse(String(m)) as Record<string, unknown>);
  return { socket, api, clock, server, open: start, received, invalid, sent };
}

const isChat = (v: unknown): v is { from: string; text: string } =>
  typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string';

/** A minimal Standard Schema, as zod or valibot would provide. */
function schema<T>(check: (v: unknown) => v is T, async = false): StandardSchemaV1<unknown, T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => {
        const result = check(value) ? { value } : { issues: [{ message: 'not a chat message', path: ['text'] }] };
        return async ? Promise.resolve(result) : result;
      },
    },
  };
}

describe('#channel', () => {
  it('sends envelopes through the queue, in order with raw sends', () => {
    const { socket, api, open, received } = make();
    const chat = api.channel('chat');
    expect(chat.send({ text: 'first' })).toBe(true);
    socket.send('raw');
    chat.send({ text: 'second' });
    open();
    expect(received()).toEqual(['{"channel":"chat","data":{"text":"first"}}', 'raw', '{"channel":"chat","data":{"text":"second"}}']);
  });

  it('routes inbound envelopes to typed listeners; raw listeners still see everything', () => {
    const { socket, api, open, server } = make();
    const chat = api.channel('chat');
    const typed: unknown[] = [];
    const raw: unknown[] = [];
    chat.on('message', (m) => typed.push(m.text));
    socket.onmessage = (e) => raw.push(e.data);
    open();
    server.send('{"channel":"chat","data":{"from":"a","text":"hi"}}');
    server.send('plain text');
    expect(typed).toEqual(['hi']);
    expect(raw).toEqual(['{"channel":"chat","data":{"from":"a","text":"hi"}}', 'plain text']);
  });

  it('the same name gives the same channel', () => {
    const { api } = make();
    expect(api.channel('chat')).toBe(api.channel('chat'));
  });

  it('without channels or requests nothing is parsed or reported', () => {
    const { invalid, open, server } = make();
    open();
    server.send('not json');
    server.send('{"channel":"nobody"}');
    expect(invalid).toEqual([]);
  });

  it.each([
    ['a type guard', isChat],
    ['a Standard Schema', schema(isChat)],
  ])('validates with %s: failures go to invalid, never to listeners', (_name, validate) => {
    const { api, invalid, open, server } = make();
    const seen: string[] = [];
    api.channel('chat', { validate }).on('message', (m) => seen.push(m.text));
    open();
    server.send('{"channel":"chat","data":{"from":"a","text":"ok"}}');
    server.send('{"channel":"chat","data":{"from":"a","text":42}}');
    expect(seen).toEqual(['ok']);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ reason: 'validation', channel: 'chat', data: { from: 'a', text: 42 } });
    expect(invalid[0]!.issues.length).toBeGreaterThan(0);
  });

  it('an async validator keeps arrival order', async () => {
    const { api, open, server } = make();
    const seen: string[] = [];
    api.channel('chat', { validate: schema(isChat, true) }).on('message', (m) => seen.push(m.text));
    open();
    for (const text of ['1', '2', '3']) server.send(JSON.stringify({ channel: 'chat', data: { from: 'a', text } }));
    await settle();
    expect(seen).toEqual(['1', '2', '3']);
  });

  it('a throwing validator counts as a failure, not an exception', () => {
    const { api, invalid, open, server } = make();
    api.channel('chat', {
      validate: (value: unknown): value is { from: string; text: string } => {
        throw new Error(`boom on ${String(value)}`);
      },
    });
    open();
    expect(() => server.send('{"channel":"chat","data":{}}')).not.toThrow();
    expect(invalid[0]!.issues[0]!.message).toContain('boom');
  });
});

describe('async iteration', () => {
  it('yields messages and ends at the final close, after what it buffered', async () => {
    const { socket, api, open, server } = make();
    const chat = api.channel('chat');
    open();
    const got: string[] = [];
    const done = (async () => {
      for await (const m of chat) got.push(m.text);
    })();
    server.send('{"channel":"chat","data":{"from":"a","text":"1"}}');
    server.send('{"channel":"chat","data":{"from":"a","text":"2"}}');
    server.drop(); // a reconnect follows: iteration goes on
    await settle();
    expect(got).toEqual(['1', '2']);
    socket.close();
    await done;
    expect(got).toEqual(['1', '2']);
  });

  it('break releases the listener', async () => {
    const { api, open, server } = make();
    const chat = api.channel('chat');
    const overflowed: unknown[] = [];
    chat.on('overflow', (m) => overflowed.push(m));
    open();
    const iterator = chat.iterate({ bufferSize: 1 });
    const loop = (async () => {
      for await (const m of { [Symbol.asyncIterator]: () => iterator }) if (m.text === 'stop') break;
    })();
    server.send('{"channel":"chat","data":{"from":"a","text":"stop"}}');
    await loop;
    // A released iterator buffers nothing more: no overflow however much arrives.
    for (let i = 0; i < 5; i++) server.send('{"channel":"chat","data":{"from":"a","text":"more"}}');
    expect(overflowed).toEqual([]);
    expect((await iterator.next()).done).toBe(true);
  });

  it('several next() calls without awaiting are each answered, in order', async () => {
    const { socket, api, open, server, clock } = make();
    const chat = api.channel('chat');
    open();
    const iterator = chat.iterate();
    const [a, b, c] = [iterator.next(), iterator.next(), iterator.next()];
    server.send('{"channel":"chat","data":{"from":"a","text":"1"}}');
    server.send('{"channel":"chat","data":{"from":"a","text":"2"}}');
    socket.close();
    clock.advance(0); // the closing handshake
    expect(await a).toMatchObject({ value: { text: '1' }, done: false });
    expect(await b).toMatchObject({ value: { text: '2' }, done: false });
    expect(await c).toMatchObject({ done: true });
  });

  it('a throwing listener does not starve the iterators', async () => {
    const { api, open, server } = make();
    const chat = api.channel('chat');
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    chat.on('message', () => {
      throw new Error('listener bug');
    });
    open();
    const next = chat.iterate().next();
    server.send('{"channel":"chat","data":{"from":"a","text":"x"}}');
    expect(await next).toMatchObject({ value: { text: 'x' } });
    await settle();
    process.off('uncaughtException', onError);
    expect(errors).toHaveLength(1);
  });

  it('a slow consumer: the buffer is bounded, the oldest goes to an overflow event', async () => {
    const { api, open, server } = make();
    const chat = api.channel('chat');
    const overflowed: string[] = [];
    chat.on('overflow', (m) => overflowed.push(m.text));
    const iterator = chat.iterate({ bufferSize: 2 });
    open();
    for (const text of ['1', '2', '3', '4']) server.send(JSON.stringify({ channel: 'chat', data: { from: 'a', text } }));
    expect(overflowed).toEqual(['1', '2']);
    expect((await iterator.next()).value).toMatchObject({ text: '3' });
    expect((await iterator.next()).value).toMatchObject({ text: '4' });
    await iterator.return!();
  });

  it('an iterator nobody consumes is bounded in characters too: the oldest go, each in an overflow event (issue 14)', async () => {
    const { api, open, server } = make({ limits: { iteratorBytes: 250 } });
    const chat = api.channel('chat');
    const overflowed: string[] = [];
    chat.on('overflow', (m) => overflowed.push(m.text));
    const iterator = chat.iterate(); // bufferSize 1000: the characters bind first
    open();
    const message = (text: string) => JSON.stringify({ channel: 'chat', data: { from: 'a', text } }); // ~100 characters
    for (const text of ['1', '2', '3', '4'].map((n) => n.padEnd(60, '.'))) server.send(message(text));
    expect(overflowed.map((t) => t[0])).toEqual(['1', '2']);
    expect((await iterator.next()).value).toMatchObject({ text: expect.stringMatching(/^3/) });
    const own = chat.iterate({ maxBytes: 10_000 }); // its own bound
    for (const text of ['5', '6', '7']) server.send(message(text.padEnd(60, '.')));
    expect((await own.next()).value).toMatchObject({ text: expect.stringMatching(/^5/) });
    await iterator.return!();
    await own.return!();
  });

  it('messages waiting on an async validator are bounded; past it one is turned away as overflow, the rest keep their order (issue 14)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: StandardSchemaV1<unknown, { from: string; text: string }> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => {
          await gate;
          return isChat(value) ? { value } : { issues: [{ message: 'not a chat message' }] };
        },
      },
    };
    const { api, invalid, open, server } = make({ limits: { validating: 3 } });
    const chat = api.channel('chat', { validate: slow });
    const got: string[] = [];
    chat.on('message', (m) => got.push(m.text));
    open();
    for (const text of ['1', '2', '3', '4', '5']) server.send(JSON.stringify({ channel: 'chat', data: { from: 'a', text } }));
    expect(invalid.map((e) => e.reason)).toEqual(['overflow', 'overflow']);
    release();
    await settle();
    expect(got).toEqual(['1', '2', '3']);
    server.send(JSON.stringify({ channel: 'chat', data: { from: 'a', text: '6' } }));
    await settle();
    expect(got).toEqual(['1', '2', '3', '6']);
  });

  it('iterating after the final close ends at once', async () => {
    const { socket, api, open, server } = make();
    socket.close();
    const result = await api.channel('chat').iterate().next();
    expect(result.done).toBe(true);
  });
});

describe('inbound safety', () => {
  const hostile: [string, string, string][] = [
    ['__proto__ channel', '{"channel":"__proto__","data":{"polluted":true}}', 'unknown-channel'],
    ['constructor channel', '{"channel":"constructor","data":1}', 'unknown-channel'],
    ['toString channel', '{"channel":"toString","data":1}', 'unknown-channel'],
    ['hasOwnProperty channel', '{"channel":"hasOwnProperty","data":1}', 'unknown-channel'],
    ['__proto__ key at the top', '{"__proto__":{"polluted":true},"channel":"chat","data":{"from":"a","text":"x"}}', 'delivered'],
    ['not JSON', 'hello <b>world</b>', 'undecodable'],
    ['truncated JSON', '{"channel":"chat","data":', 'undecodable'],
    ['a JSON array', '[1,2,3]', 'undecodable'],
    ['JSON null', 'null', 'undecodable'],
    ['a JSON string', '"chat"', 'undecodable'],
    ['a numeric channel', '{"channel":5,"data":1}', 'shape'],
    ['no channel, no id', '{"data":1}', 'shape'],
    ['a reply nobody asked for', '{"id":999,"data":1}', 'unknown-reply'],
    ['a huge string', 'x'.repeat(2_000_000), 'too-large'],
  ];

  it.each(hostile)('%s: no throw, reported once, prototypes untouched', (_name, text, outcome) => {
    const { api, invalid, open, server } = make();
    const delivered: unknown[] = [];
    api.channel('chat').on('message', (m) => delivered.push(m));
    open();
    expect(() => server.send(text)).not.toThrow();
    if (outcome === 'delivered') {
      expect(delivered).toHaveLength(1);
      expect(invalid).toEqual([]);
    } else {
      expect(invalid.map((i) => i.reason)).toEqual([outcome]);
      expect(delivered).toEqual([]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('binary messages are left to raw listeners', () => {
    const { api, invalid, open, server } = make();
    api.channel('chat');
    open();
    server.send(new ArrayBuffer(4));
    expect(invalid).toEqual([]);
  });

  it('maxMessageSize is configurable', () => {
    const { api, invalid, open, server } = make({ maxMessageSize: 10 });
    api.channel('chat');
    open();
    server.send('{"channel":"chat","data":{}}');
    expect(invalid.map((i) => i.reason)).toEqual(['too-large']);
  });
});

describe('a custom codec', () => {
  it('speaks {type, payload}', () => {
    const { api, open, server, received } = make({ codec: typePayloadCodec });
    const seen: string[] = [];
    api.channel('chat').on('message', (m) => seen.push(m.text));
    api.channel('chat').send({ text: 'out' });
    open();
    server.send('{"type":"chat","payload":{"from":"b","text":"in"}}');
    expect(received()).toEqual(['{"type":"chat","payload":{"text":"out"}}']);
    expect(seen).toEqual(['in']);
  });
});
