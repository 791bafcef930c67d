// The benchmark's loopback server, in its own process so that it does not share a core
// with the client being measured. Counts messages per connection; when the count named in
// the URL (?expect=N), or on the message "last" is reached it answers "done". Prints its port on stdout.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1 << 24 });
wss.on('connection', (ws, request) => {
  const params = new URL(request.url, 'http://x').searchParams;
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
