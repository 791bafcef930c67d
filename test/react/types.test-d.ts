import { describe, expectTypeOf, it } from 'vitest';
import type { SteadySocket, ConnectionState, SteadySocketStats, SteadyCloseEvent } from '../../src/socket/index';
import type { ChannelClient } from '../../src/channels/index';
import { useChannel, useConnectionState, useRequest, useSocketEvent, useSocketStats, useSteadySocket, useQueueLength, useLastMessage, useChannels } from '../../src/react/index';

type Api = {
  chat: { receive: { from: string; text: string }; send: { text: string } };
  time: { request: { zone: string }; reply: { now: number } };
};
declare const socket: SteadySocket;
declare const api: ChannelClient<Api>;

describe('steadysocket/react types', () => {
  it('useSteadySocket returns a SteadySocket and takes the socket options, enabled and key', () => {
    expectTypeOf(useSteadySocket('wss://x', { heartbeat: true, enabled: false, key: 'k' })).toEqualTypeOf<SteadySocket>();
    useSteadySocket(() => Promise.resolve('wss://x'), { key: 'fresh-token' });
    // @ts-expect-error -- startClosed is the hook's `enabled: false`
    useSteadySocket('wss://x', { startClosed: true });
  });

  it('state, queue and stats hooks return their snapshots', () => {
    expectTypeOf(useConnectionState(socket)).toEqualTypeOf<ConnectionState>();
    expectTypeOf(useQueueLength(socket)).toEqualTypeOf<number>();
    expectTypeOf(useSocketStats(socket)).toEqualTypeOf<SteadySocketStats>();
    expectTypeOf(useLastMessage(socket)?.data).toBeAny(); // as the DOM's MessageEvent.data
  });

  it('useSocketEvent types the event by its name', () => {
    useSocketEvent(socket, 'close', (e) => expectTypeOf(e).toMatchTypeOf<SteadyCloseEvent>());
    useSocketEvent(socket, 'queue', (e) => expectTypeOf(e.length).toEqualTypeOf<number>());
    // @ts-expect-error -- no such event
    useSocketEvent(socket, 'opened', () => {});
  });

  it('channel hooks carry the Api types', () => {
    expectTypeOf(useChannels<Api>(socket)).toEqualTypeOf<ChannelClient<Api>>();
    const chat = useChannel(api, 'chat');
    expectTypeOf(chat.last).toEqualTypeOf<{ from: string; text: string } | undefined>();
    expectTypeOf(chat.messages).toEqualTypeOf<readonly { from: string; text: string }[]>();
    chat.send({ text: 'hi' });
    // @ts-expect-error -- the channel sends { text }
    chat.send({ body: 'hi' });
    const time = useRequest(api, 'time', { timeout: 1000 });
    expectTypeOf(time.data).toEqualTypeOf<{ now: number } | undefined>();
    expectTypeOf(time.send).parameter(0).toEqualTypeOf<{ zone: string }>();
    expectTypeOf(time.send({ zone: 'UTC' })).resolves.toEqualTypeOf<{ now: number } | undefined>();
    // @ts-expect-error -- 'chat' has no request
    useRequest(api, 'chat');
  });
});
