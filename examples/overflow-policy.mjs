// Choosing what happens when the outbound queue is full. While the socket is not open,
// send() queues; the queue is bounded (queue.maxMessages, queue.maxBytes), and its
// `overflow` policy decides who loses when it is full:
// - 'reject' (the default) refuses the new message: send() returns false. Right for
//   messages a person wrote — the app can say "not sent" instead of losing them silently.
// - 'drop-oldest' makes room by dropping the oldest queued message. Right for a stream
//   where only the latest values matter (positions, cursors, sensor readings).
// Either way each message that will never be sent is reported once in a `drop` event.
//
//   node examples/overflow-policy.mjs ws://127.0.0.1:8080
//
// Queues five messages on each of two sockets before they connect (queues of three), and
// exits once both queues have been flushed to the server.

import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080';

// Chat lines someone typed: when full, refuse the new one and tell them.
const chat = new SteadySocket(`${url}/chat`, {
  WebSocket,
  queue: { maxMessages: 3, overflow: 'reject' },
});
// Position updates: when full, forget the oldest; the newest is what counts.
const positions = new SteadySocket(`${url}/positions`, {
  WebSocket,
  queue: { maxMessages: 3, overflow: 'drop-oldest' },
});

chat.on('drop', (e) => console.log(`chat: dropped "${e.data}" (${e.reason})`));
positions.on('drop', (e) => console.log(`positions: dropped "${e.data}" (${e.reason})`));

// Neither socket is open yet, so every send() below waits in its queue.
for (let i = 1; i <= 5; i++) {
  const sent = chat.send(`line ${i}`);
  if (!sent) console.log(`chat: "line ${i}" not sent, queue full`); // show it in the UI
}
for (let i = 1; i <= 5; i++) positions.send(`position ${i}`); // true every time

// 'open' fires after the queue has been flushed, in order; then this example is done.
for (const ws of [chat, positions]) ws.onopen = () => ws.close();
