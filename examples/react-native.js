// The React Native way in: a module of your app that owns its connection. Metro resolves
// 'steadysocket' through the package's "react-native" export condition; React Native's own
// WebSocket does the networking (no polyfills needed: the library brings its own events).
//
// React Native has no page lifecycle events, so the app tells the socket when it comes back
// to the foreground: check an open connection at once (a phone that slept may hold a dead
// one), or stop waiting out the backoff when the connection is already gone.
//
// Run by test/runtimes/react-native.test.ts: Metro bundles it with a stand-in for the
// 'react-native' module's AppState, and the bundle runs with React Native's globals only.

// #region readme
import { AppState } from 'react-native';
import { SteadySocket } from 'steadysocket';
// #endregion

// Your server's address; the test sets FEED_URL on the app's global object.
const FEED_URL = globalThis.FEED_URL ?? 'wss://example.com/feed';

// #region readme
export const feed = new SteadySocket(FEED_URL, {
  heartbeat: true, // the server answers 'ping' with 'pong' (both configurable)
  connectOptions: { headers: { 'x-app-version': '1.4.2' } }, // React Native takes { headers }, as ws does
});

AppState.addEventListener('change', (state) => {
  if (state !== 'active') return;
  if (feed.readyState === feed.OPEN) feed.probe().catch(() => {}); // a dead connection is replaced
  else if (feed.connectionState === 'reconnecting') feed.reconnect(); // skip the backoff wait
});
// #endregion
