// Typed JSON channels and requests, with runtime validation by zod (any Standard Schema v1
// validator works, as does a type-guard function). Channels are a layer over the socket, in
// their own entry point: `steadysocket/channels`.
//
//   node examples/typed-channels.ts ws://127.0.0.1:8080/api     Node 23.6+ (strips the types)
//   npx tsx examples/typed-channels.ts ws://127.0.0.1:8080/api  older Node
//
// On the wire: {"channel": NAME, "data": PAYLOAD}; a request adds "id", and its reply is
// {"id": ID, "data": ...}. The server here answers `time` requests and says "bye" on `chat`
// when it is done; the example exits after the final close.

// #region readme
import WebSocket from 'ws';
import { z } from 'zod';
import { SteadySocket } from 'steadysocket';
import { channels } from 'steadysocket/channels';

const ChatMessage = z.object({ from: z.string(), text: z.string().max(1000) });

type Api = {
  chat: { receive: z.infer<typeof ChatMessage>; send: { text: string } };
  time: { request: { zone: string }; reply: { now: number } };
};
// #endregion

const url = process.argv[2] ?? 'ws://127.0.0.1:8080/api';

// #region readme
const socket = new SteadySocket(url, { WebSocket });
const api = channels<Api>(socket); // options: codec, maxMessageSize, requestTimeout
const chat = api.channel('chat', { validate: ChatMessage });

// What fails validation (or is not JSON, or names no known channel) never reaches typed
// listeners and never throws: it is reported here. The socket's raw `message` listeners
// still see it.
api.on('invalid', (e) => console.log(e.error.message)); // why, never the message itself

const { now } = await api.request('time', { zone: 'UTC' }, { timeout: 5_000 });
console.log('server time:', new Date(now).toISOString());

chat.send({ text: 'hi' }); // typed, and through the same queue as send()
for await (const m of chat) {
  // m: { from: string; text: string }; the loop ends when the socket closes for good
  console.log(`${m.from}: ${m.text}`);
  if (m.text === 'bye') socket.close();
}
// #endregion
