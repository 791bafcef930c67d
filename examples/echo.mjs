// The echo snippet of the WebSocket tutorials (shared/seeds 002), with only the
// constructor changed: `new WebSocket(url)` → `new SteadySocket(url, { WebSocket })`
// (Node before 22 has no global WebSocket, so the `ws` package supplies one).
//
//   node examples/echo.mjs ws://127.0.0.1:8080      any server that echoes what it gets
//
// Prints what the tutorial says the browser console shows, then exits.

import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080';

const s = new SteadySocket(url, { WebSocket });

s.addEventListener('open', (e) => {
  console.log('connected');
  s.send('Hello WebSocket!');
  console.log('client -> server: Hello WebSocket!');
});
s.addEventListener('message', (e) => {
  console.log('client <- server:', e.data);
});
s.addEventListener('close', (e) => {
  console.log('disconnected');
});
setTimeout(() => {
  s.send('Hello World!');
  console.log('client -> server: Hello World!');
}, 1000);
setTimeout(() => s.close(), 2000);
