// Sessions that survive reconnects (API.md §8): a SessionServer and a SteadySocket with
// `resume: true` in one program. The connection is cut while messages are in flight both ways;
// after the resume each arrives exactly once, in order.
//
//   node examples/resume.mjs
//
// Prints what each side received, then exits.
import { once } from 'node:events';

// #region readme
import { WebSocket, WebSocketServer } from 'ws';
import { SteadySocket } from 'steadysocket';
import { SessionServer } from 'steadysocket/server';

// The server: a session outlives its connections for `sessionTtl`.
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
const server = new SessionServer(wss, { sessionTtl: 120_000 });
server.on('session', (session) => {
  session.on('message', (data) => {
    console.log(`server got ${data}`); // each exactly once, in order
    session.send(`echo ${data}`);
  });
});
await once(wss, 'listening');

// The client: `resume: true`, and the rest of the code as for a plain WebSocket.
const ws = new SteadySocket(`ws://127.0.0.1:${wss.address().port}`, { WebSocket, resume: true });
ws.addEventListener('open', (e) => console.log(e.resumed ? 'open: the session went on' : 'open: a new session'));
ws.addEventListener('message', (e) => console.log(`client got ${e.data}`));
ws.addEventListener('drop', (e) => console.log(`unconfirmed: ${e.data}`)); // only if the server lost the session
// #endregion

ws.send('one');
await once(ws, 'message');
// Two more go out, and the connection dies under them (as a reset would): no closing handshake.
ws.send('two');
ws.send('three');
for (const client of wss.clients) client.terminate();
await once(ws, 'open'); // resumed
while (ws.stats.unacked > 0 || ws.stats.messagesReceived < 3) await new Promise((resolve) => setTimeout(resolve, 10));
console.log(`reconnects ${ws.stats.reconnects}, unacknowledged ${ws.stats.unacked}`);
ws.close();
await once(ws, 'close');
server.close();
wss.close();
