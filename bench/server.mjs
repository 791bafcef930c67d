// The benchmark's loopback server, in its own process so that it does not share a core
// with the client being measured. Prints its port on stdout.
//
// Send scenarios: counts messages per connection; when the count named in the URL
// (?expect=N), or on the message "last" is reached it answers "done".
// Receive scenario (?receive=M): streams M channel envelopes, round-robin over chat,
// presence and ticker, then the end marker {"channel":"done","data":null}.
// Reconnect cycles (?cycle): drops the connection (no closing handshake, as a crashed peer
// or a lost network does) as soon as the message "n" arrives.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 24 });
wss.on('connection', (ws, request) => {
  const params = new URL(request.url, 'http://x').searchParams;
  if (params.has('receive')) {
    stream(request.socket, Number(params.get('receive')));
    return;
  }
  if (params.has('cycle')) {
    ws.on('message', (data) => data.length === 1 && data[0] === 0x6e && ws.terminate());
    return;
  }
  const expected = Number(params.get('expect'));
  // ?stall=MS: a reader that stops reading for a while (a slow consumer), so a burst piles up.
  const stall = Number(params.get('stall') ?? 0);
  if (stall > 0) {
    ws.pause();
    setTimeout(() => ws.resume(), stall);
  }
  let count = 0;
  ws.on('message', (data) => {
    // "last" ends a burst, whose length the client cannot know in advance.
    if (++count === expected || (data.length === 4 && data.toString() === 'last')) ws.send('done');
  });
});
wss.on('listening', () => console.log(wss.address().port));
process.on('disconnect', () => wss.close(() => process.exit(0)));

const payloads = [
  (i) => ({ channel: 'chat', data: { from: 'a', text: `hello ${i}` } }),
  (i) => ({ channel: 'presence', data: { user: `u${i % 1000}`, online: i % 2 === 0 } }),
  (i) => ({ channel: 'ticker', data: { symbol: 'ACME', price: 100 + (i % 100) / 100 } }),
];

/** One unmasked text frame (RFC 6455 §5.2), as a server sends it. */
function frame(text) {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, length]) : Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  if (length > 0xffff) throw new Error('frame too long for this benchmark');
  return Buffer.concat([header, payload]);
}

/**
 * Writes M pre-built frames straight to the TCP socket, in 64 KiB chunks, honouring its
 * backpressure. Framing and JSON happen before the first byte goes out, and no ws.send()
 * runs per message, so the server is never what limits the rate: the client is measured.
 * Nothing else is sent on this connection until the end marker, so frames cannot interleave.
 */
function stream(socket, count) {
  const chunks = [];
  let pending = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    const bytes = frame(JSON.stringify(payloads[i % payloads.length](i)));
    pending.push(bytes);
    size += bytes.length;
    if (size >= 1 << 16) {
      chunks.push(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
  }
  pending.push(frame(JSON.stringify({ channel: 'done', data: null })));
  chunks.push(Buffer.concat(pending));
  let next = 0;
  const write = () => {
    while (next < chunks.length) {
      if (!socket.write(chunks[next++])) {
        socket.once('drain', write);
        return;
      }
    }
  };
  // Let the client's open handler run first, so it is listening before the burst.
  setImmediate(write);
}
