// Fresh credentials for every connection attempt: the URL is an async function that asks
// a token service for a short-lived token, called again before each reconnect. A token
// service that fails is an `error` event and a retry with backoff, never an unhandled
// rejection.
//
//   node examples/auth-token.mjs https://api.example.com
//     POST https://api.example.com/token  → {"token": "..."}
//     then wss://api.example.com/live?token=...
//
// Runs until Ctrl-C (SIGINT), then closes and exits.

// #region readme
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';
// #endregion

const api = process.argv[2] ?? 'http://127.0.0.1:8080';

// #region readme
async function getToken() {
  const response = await fetch(`${api}/token`, { method: 'POST' });
  if (!response.ok) throw new Error(`token service: HTTP ${response.status}`);
  return (await response.json()).token;
}

// Called before every attempt, so a reconnect never reuses an expired token.
const live = async () => `${api.replace(/^http/, 'ws')}/live?token=${encodeURIComponent(await getToken())}`;

const ws = new SteadySocket(live, { WebSocket });
ws.onopen = () => console.log('connected');
ws.onmessage = (e) => console.log('server:', e.data);
ws.onerror = (e) => console.log('error:', e.error.code, e.error.message); // e.g. URL_PROVIDER_FAILED: retried
ws.onclose = (e) => console.log('closed', e.code, e.reason, e.willReconnect ? '(reconnecting)' : '(final)');
process.once('SIGINT', () => ws.close());
// #endregion
