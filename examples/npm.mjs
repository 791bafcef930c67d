// The npm way in: app code for the browser, where your bundler (Vite, webpack, esbuild…)
// resolves 'steadysocket' from node_modules after `npm install steadysocket`. The same code
// runs in Node 22+ (which has a global WebSocket) and, given `{ WebSocket }` from the `ws`
// package as an option, in older Node.
//
// The test loads this file into a page as <script type="module"> with an import map that
// stands in for the bundler (test/browser/examples.test.ts), against an echo server at
// /echo of the page's own origin.

// #region readme
import { SteadySocket } from 'steadysocket';
// #endregion

const url = `${location.origin.replace(/^http/, 'ws')}/echo`;

// #region readme
const ws = new SteadySocket(url); // or (url, protocols), (url, options); url may be a function
ws.binaryType = 'arraybuffer'; // kept across reconnects
ws.onopen = () => ws.send('hello');
ws.onmessage = (e) => {
  console.log('received', e.data);
  if (e.data === 'hello') ws.close(1000, 'bye'); // final: no reconnect after it
};
ws.addEventListener('close', (e) => console.log('closed', e.code, e.reason, e.willReconnect));
ws.send('sent while connecting: queued, flushed in order on open, before onopen runs');
// #endregion
