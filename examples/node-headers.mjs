// A Node service's connection: the `ws` package as the WebSocket, HTTP headers on every
// handshake through `connectOptions`, and a clean close on Ctrl-C.
//
//   API_TOKEN=secret node examples/node-headers.mjs wss://api.example.com/live
//
// Runs until Ctrl-C (SIGINT), then closes with 1000 and exits.

// #region readme
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';
// #endregion

const url = process.argv[2] ?? 'ws://127.0.0.1:8080/live';

// #region readme
const ws = new SteadySocket(url, {
  WebSocket, // Node: bring your own constructor (here `ws`)
  connectOptions: {
    // The native constructor's third argument, on every attempt: `ws` sends these headers.
    headers: { authorization: `Bearer ${process.env.API_TOKEN}`, 'user-agent': 'my-service/1.0' },
  },
});
ws.onopen = () => ws.send('status?');
ws.onmessage = (e) => console.log('server:', e.data);
ws.onclose = (e) => console.log('closed', e.code, e.willReconnect ? '(reconnecting)' : '(final)');
process.once('SIGINT', () => ws.close(1000, 'shutting down')); // then nothing keeps Node running
// #endregion
