// Type tests (`vitest run --typecheck`): what the channels layer lets compile, and what it refuses.
// Nothing here runs; each `@ts-expect-error` must meet a real error or the check fails.
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { SteadySocket, type SteadySocketError } from '../../src/socket/index';
import {
  channels,
  type Channel,
  type ChannelClient,
  type ChannelClientTarget,
  type InvalidEvent,
  type InvalidReason,
  type StandardSchemaV1,
  type ValidationIssue,
} from '../../src/channels/index';

type Api = {
  chat: { receive: { from: string; text: string }; send: { text: string } };
  time: { request: { zone: string }; reply: { now: number } };
};
type ChatMessage = { from: string; text: string };

const socket = new SteadySocket('wss://example.com/api');
const api = channels<Api>(socket);
const raw = channels(new SteadySocket('wss://example.com/any'), { requestTimeout: 1_000 });

const isChat = (value: unknown): value is ChatMessage =>
  typeof value === 'object' && value !== null && typeof (value as ChatMessage).text === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';

/** A hand-written Standard Schema v1, as any validator library ships one. */
function schemaOf<Output>(check: (value: unknown) => value is Output): StandardSchemaV1<unknown, Output> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => (check(value) ? { value } : { issues: [{ message: 'no' }] }),
    },
  };
}

describe('channels()', () => {
  it('returns a client typed by its Api argument, on a socket', () => {
    expectTypeOf(api).toEqualTypeOf<ChannelClient<Api>>();
    expectTypeOf(api.socket).toEqualTypeOf<SteadySocket>();
    expectTypeOf(api.dispose).returns.toBeVoid();
    expectTypeOf(channels(socket, { codec: { encode: () => '', decode: () => undefined }, maxMessageSize: 1, requestTimeout: 1 })).toEqualTypeOf<ChannelClient>();
    // @ts-expect-error a URL is not a socket
    channels<Api>('wss://example.com/api');
    // @ts-expect-error `requestTimeout` is in ms
    channels<Api>(socket, { requestTimeout: '5s' });
    // @ts-expect-error no such option
    channels<Api>(socket, { heartbeat: true });
  });

  it('the socket takes no Api and has no channels of its own', () => {
    // @ts-expect-error the Api is an argument of channels(), not of the socket
    void new SteadySocket<Api>('wss://example.com/api');
    // @ts-expect-error channels live on a channel client
    socket.channel('chat');
    // @ts-expect-error requests live on a channel client
    void socket.request('time', { zone: 'UTC' });
    // @ts-expect-error `invalid` is an event of the channel client
    socket.on('invalid', () => {});
    // @ts-expect-error channel options belong to channels()
    void new SteadySocket('wss://example.com/api', { requestTimeout: 1_000 });
  });
});

describe('#channel', () => {
  it('types the message listener from `receive`', () => {
    const chat = api.channel('chat');
    expectTypeOf(chat).toEqualTypeOf<Channel<Api['chat']>>();
    chat.on('message', (m) => {
      expectTypeOf(m).toEqualTypeOf<ChatMessage>();
    });
    expectTypeOf(chat.on).parameter(1).parameter(0).toEqualTypeOf<ChatMessage>();
  });

  it('refuses a listener that expects another payload', () => {
    const chat = api.channel('chat');
    // @ts-expect-error `text` is a string
    chat.on('message', (m: { text: number }) => m.text);
    // @ts-expect-error channels emit `message` and `overflow` only
    chat.on('typo', () => {});
  });

  it('types async iteration from `receive`', () => {
    const chat = api.channel('chat');
    expectTypeOf(chat[Symbol.asyncIterator]().next()).resolves.toEqualTypeOf<IteratorResult<ChatMessage>>();
    expectTypeOf(chat.iterate({ bufferSize: 10 }).next()).resolves.toEqualTypeOf<IteratorResult<ChatMessage>>();
    async function consume() {
      for await (const m of chat) {
        expectTypeOf(m).toEqualTypeOf<ChatMessage>();
        // @ts-expect-error no such field
        m.body;
      }
    }
    expectTypeOf(consume).returns.resolves.toBeVoid();
  });

  it('types `send` from `send`', () => {
    const chat = api.channel('chat');
    expectTypeOf(chat.send({ text: 'hi' })).toEqualTypeOf<boolean>();
    expectTypeOf(chat.send).parameter(0).toEqualTypeOf<{ text: string }>();
    // @ts-expect-error `text` is a string
    chat.send({ text: 42 });
    // @ts-expect-error `text` is required
    chat.send({});
    // @ts-expect-error `from` is what the server sends, not what the client sends
    chat.send({ text: 'hi', from: 'me' });
    // @ts-expect-error a payload is required
    chat.send();
  });

  it('refuses `send` on a channel that declares none', () => {
    const time = api.channel('time');
    expectTypeOf(time.send).parameter(0).toBeNever();
    // @ts-expect-error `time` has no `send` type
    time.send({ zone: 'UTC' });
  });

  it('gives listeners of a channel that declares no `receive` an `unknown` (never `any`)', () => {
    const time = api.channel('time');
    time.on('message', (m) => expectTypeOf(m).toBeUnknown());
    async function consume() {
      for await (const m of time) expectTypeOf(m).toBeUnknown();
    }
    void consume;
  });

  it('refuses an unknown channel name', () => {
    // @ts-expect-error no channel `nope` in Api
    api.channel('nope');
    // @ts-expect-error channel names are strings
    api.channel(1);
  });

  it('takes a type guard for `receive` as `validate`', () => {
    api.channel('chat', { validate: isChat });
    api.channel('chat', { validate: (value): value is ChatMessage => isChat(value) });
    // @ts-expect-error guards another type
    api.channel('chat', { validate: isNumber });
    // @ts-expect-error guards a type that lacks `from`
    api.channel('chat', { validate: (value: unknown): value is { text: string } => isChat(value) });
  });

  it('takes a Standard Schema whose output is `receive` as `validate`', () => {
    api.channel('chat', { validate: schemaOf(isChat) });
    // @ts-expect-error outputs another type
    api.channel('chat', { validate: schemaOf(isNumber) });
    // @ts-expect-error not a validator
    api.channel('chat', { validate: { check: isChat } });
  });

  it('takes a zod schema (Standard Schema v1) as `validate`', () => {
    const ChatSchema = z.object({ from: z.string(), text: z.string() });
    const chat = api.channel('chat', { validate: ChatSchema });
    chat.on('message', (m) => expectTypeOf(m).toEqualTypeOf<ChatMessage>());
    // A schema that also accepts more is still a validator for this channel.
    api.channel('chat', { validate: ChatSchema.extend({ at: z.number() }) });
    // @ts-expect-error its output lacks `from`
    api.channel('chat', { validate: z.object({ text: z.string() }) });
    // @ts-expect-error `text` is a number in its output
    api.channel('chat', { validate: z.object({ from: z.string(), text: z.number() }) });
  });
});

describe('#request', () => {
  it('resolves with the `reply` type', () => {
    const reply = api.request('time', { zone: 'UTC' }, { timeout: 5_000 });
    expectTypeOf(reply).toEqualTypeOf<Promise<{ now: number }>>();
    expectTypeOf(reply).resolves.not.toEqualTypeOf<{ now: string }>();
    async function use() {
      const { now } = await api.request('time', { zone: 'UTC' });
      expectTypeOf(now).toBeNumber();
      // @ts-expect-error the reply is `{ now: number }`
      const wrong: { now: string } = await api.request('time', { zone: 'UTC' });
      // @ts-expect-error `zone` is in the request, not in the reply
      const { zone } = await api.request('time', { zone: 'UTC' });
      void [wrong, zone];
    }
    void use;
  });

  it('refuses a wrong request payload', () => {
    // @ts-expect-error `zone` is a string
    void api.request('time', { zone: 1 });
    // @ts-expect-error `zone` is required
    void api.request('time', {});
    // @ts-expect-error a payload is required
    void api.request('time');
  });

  it('refuses channels without a `request` type and unknown names', () => {
    expectTypeOf(api.request).parameter(0).toEqualTypeOf<'time'>();
    // @ts-expect-error `chat` takes no requests
    void api.request('chat', { text: 'hi' });
    // @ts-expect-error no channel `nope` in Api
    void api.request('nope', {});
  });

  it('takes the request options', () => {
    const controller = new AbortController();
    void api.request('time', { zone: 'UTC' }, { timeout: 1_000, signal: controller.signal, idempotent: true });
    // @ts-expect-error `timeout` is in ms
    void api.request('time', { zone: 'UTC' }, { timeout: '1s' });
    // @ts-expect-error no such option
    void api.request('time', { zone: 'UTC' }, { retries: 3 });
  });

  it('checks the type of the reply validator', () => {
    const isTime = (value: unknown): value is { now: number } => typeof (value as { now?: unknown })?.now === 'number';
    void api.request('time', { zone: 'UTC' }, { validate: isTime });
    void api.request('time', { zone: 'UTC' }, { validate: z.object({ now: z.number() }) });
    // @ts-expect-error guards another type
    void api.request('time', { zone: 'UTC' }, { validate: isNumber });
    // @ts-expect-error the schema's output differs from the reply type
    void api.request('time', { zone: 'UTC' }, { validate: z.object({ now: z.string() }) });
  });
});

describe('the Api type argument', () => {
  it('refuses a channel spec with none of receive, send, request, reply', () => {
    // @ts-expect-error `recieve` is a typo: the spec has nothing in common with ChannelSpec
    void channels<{ chat: { recieve: string } }>(socket);
  });
});

describe('an interface-declared Api', () => {
  interface Feed {
    ticker: { receive: { symbol: string; price: number }; send: { subscribe: string } };
    quote: { request: { symbol: string }; reply: { bid: number; ask: number } };
  }
  const feed = channels<Feed>(new SteadySocket('wss://example.com/feed'), { requestTimeout: 1_000 });

  it('types channels and requests as a type alias does', () => {
    feed.channel('ticker').on('message', (m) => expectTypeOf(m).toEqualTypeOf<{ symbol: string; price: number }>());
    feed.channel('ticker').send({ subscribe: 'ACME' });
    expectTypeOf(feed.request('quote', { symbol: 'ACME' })).resolves.toEqualTypeOf<{ bid: number; ask: number }>();
    // @ts-expect-error wrong payload
    feed.channel('ticker').send({ subscribe: 1 });
    // @ts-expect-error unknown channel
    feed.channel('news');
    // @ts-expect-error `ticker` takes no requests
    void feed.request('ticker', { subscribe: 'ACME' });
  });
});

describe('the untyped default', () => {

  it('accepts any channel name with `unknown` payloads', () => {
    const channel = raw.channel('anything');
    channel.on('message', (m) => expectTypeOf(m).toBeUnknown());
    channel.send({ whatever: [1, 2, 3] });
    channel.send('text');
    expectTypeOf(channel.send).parameter(0).toBeUnknown();
    expectTypeOf(raw.request('anything', { a: 1 })).resolves.toBeUnknown();
    expectTypeOf(raw.request).parameter(0).toBeString();
    async function consume() {
      for await (const m of raw.channel('other')) expectTypeOf(m).toBeUnknown();
    }
    void consume;
  });

  it('still only takes validators', () => {
    raw.channel('anything', { validate: isNumber });
    raw.channel('anything', { validate: z.string() });
    // @ts-expect-error not a validator
    raw.channel('anything', { validate: 'string' });
  });
});

describe('events', () => {
  it('types the `invalid` event', () => {
    api.on('invalid', (e) => {
      expectTypeOf(e).toEqualTypeOf<InvalidEvent>();
      expectTypeOf(e.type).toEqualTypeOf<'invalid'>();
      expectTypeOf(e.target).toEqualTypeOf<ChannelClientTarget>();
      expectTypeOf(e.reason).toEqualTypeOf<'too-large' | 'undecodable' | 'shape' | 'unknown-channel' | 'unknown-reply' | 'validation' | 'overflow'>();
      expectTypeOf(e.reason).toEqualTypeOf<InvalidReason>();
      expectTypeOf(e.channel).toEqualTypeOf<string | undefined>();
      expectTypeOf(e.data).toBeUnknown();
      expectTypeOf(e.issues).toEqualTypeOf<readonly ValidationIssue[]>();
      expectTypeOf(e.error).toEqualTypeOf<SteadySocketError>();
      // @ts-expect-error not one of the reasons
      if (e.reason === 'timeout') return;
    });
    api.once('invalid', (e) => expectTypeOf(e.reason).toEqualTypeOf<InvalidReason>());
    api.off('invalid');
  });

  it('one listener type fits the clients of every Api', () => {
    const onInvalid = (e: InvalidEvent) => e.target.dispose();
    api.on('invalid', onInvalid);
    raw.on('invalid', onInvalid);
    expectTypeOf(api).toMatchTypeOf<ChannelClientTarget>();
  });

  it('refuses unknown events', () => {
    // @ts-expect-error a channel client emits `invalid` only
    api.on('message', () => {});
    // @ts-expect-error no such event
    api.on('invalidd', () => {});
  });

  it('types the channel `overflow` event', () => {
    api.channel('chat').on('overflow', (m) => expectTypeOf(m).toEqualTypeOf<ChatMessage>());
  });
});

describe('a request without a declared reply', () => {
  it('resolves to unknown, never to never', () => {
    const pinger = channels<{ ping: { request: null } }>(new SteadySocket('ws://localhost/'));
    expectTypeOf(pinger.request('ping', null)).resolves.toBeUnknown();
  });
});
