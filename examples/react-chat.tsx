// The chat of `npm run demo:web` on steadysocket/react: the page of demo/web/app.js, written
// with hooks. The demo serves it at /react under <StrictMode> (demo/web/react-main.jsx adds
// its kill and restart buttons), and test/browser/web-demo.test.ts clicks through it in
// Chromium with React 19 and React 18, as through the script-tag page.
import { useEffect, type FormEvent } from 'react';
import type { SteadySocketEventMap } from 'steadysocket';
import { useSocketStats } from 'steadysocket/react';
// #region readme
import { useState } from 'react';
import { useConnectionState, useQueueLength, useSocketEvent, useSteadySocket } from 'steadysocket/react';
// #endregion

type Line = { text: string; system?: boolean };
type Pending = { id: number; text: string; status: string };
let nextId = 0;

// #region readme
// The URL is asked for before every attempt, so a server that comes back on another port is
// found. A URL function cannot be compared: `key` names the socket, and every component that
// asks for 'chat' shares one connection (one handshake, also under <StrictMode>).
const chatUrl = () => fetch('/status').then((r) => r.json()).then((s: { url: string }) => s.url);
export const useChat = () => useSteadySocket(chatUrl, { key: 'chat' });

/** connecting / open / reconnecting in N s, and how many messages wait in the queue. */
export function Badge() {
  const ws = useChat();
  const state = useConnectionState(ws); // re-renders when the state changes, and only then
  const queued = useQueueLength(ws); // …and when the queue does
  const [retry, setRetry] = useState({ attempt: 0, at: 0 });
  useSocketEvent(ws, 'reconnecting', ({ attempt, delay }) => setRetry({ attempt, at: performance.now() + delay }));
  useSocketEvent(ws, 'open', () => setRetry({ attempt: 0, at: 0 }));
  const now = useClock(state === 'reconnecting'); // the countdown ticks only while there is one
  let text: string = state;
  if (state === 'reconnecting') text = `reconnecting in ${(Math.max(0, retry.at - now) / 1000).toFixed(1)} s`;
  if (state === 'connecting' && retry.attempt > 0) text = `connecting (retry ${retry.attempt})`;
  return (
    <output id="badge" data-state={state} data-retry={retry.attempt}>
      <span id="badge-state">{text}</span>
      <span id="badge-queued" hidden={queued === 0}>{`queued ${queued}`}</span>
    </output>
  );
}
// #endregion

/** performance.now(), every 100 ms while `ticking`. */
function useClock(ticking: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

/** The chat: what arrived, what we sent and have not seen come back yet, and the input. */
export function Chat() {
  const ws = useChat();
  const [nick, setNick] = useState(() => `guest-${Math.floor(100 + Math.random() * 900)}`);
  const { reconnects } = useSocketStats(ws);
  const [lines, setLines] = useState<Line[]>([]);
  const [pending, setPending] = useState<Pending[]>([]);
  const [input, setInput] = useState('');
  const [connected, setConnected] = useState(false);
  const note = (text: string) => setLines((all) => [...all, { text: `— ${text}`, system: true }]);

  // The server sends every message to everyone, the sender included: our own line coming
  // back means it was delivered.
  useSocketEvent(ws, 'message', (event: SteadySocketEventMap['message']) => {
    const text = String(event.data);
    setPending((all) => {
      const mine = all.findIndex((p) => p.text === text && !p.status.startsWith('dropped'));
      return mine === -1 ? all : all.filter((_, i) => i !== mine);
    });
    setLines((all) => [...all, { text }]);
  });
  useSocketEvent(ws, 'open', () => {
    setConnected(true);
    // The queue was flushed, in order, before this event.
    setPending((all) => all.map((p) => (p.status === 'queued' ? { ...p, status: 'sent' } : p)));
    note(ws.stats.reconnects ? `connected again (reconnect #${ws.stats.reconnects})` : 'connected');
  });
  useSocketEvent(ws, 'close', (event) => {
    if (connected) note(`connection lost (code ${event.code}${event.wasClean ? '' : ', no closing handshake'})`);
    setConnected(false);
  });
  useSocketEvent(ws, 'reconnecting', ({ attempt, delay }) => note(`retry ${attempt} in ${(delay / 1000).toFixed(1)} s`));
  useSocketEvent(ws, 'drop', ({ data, reason }) =>
    setPending((all) => all.map((p) => (p.text === data && !p.status.startsWith('dropped') ? { ...p, status: `dropped (${reason})` } : p))),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!input) return;
    const text = `${nick}: ${input}`;
    setInput('');
    // send() never throws because the socket is down: it queues (or reports a drop).
    const status = ws.readyState === ws.OPEN ? 'sent' : 'queued';
    setPending((all) => [...all, { id: nextId++, text, status }]);
    ws.send(text);
  };

  return (
    <>
      <ol id="chat" aria-live="polite" data-reconnects={reconnects}>
        {lines.map((line, i) => (
          <li key={i} className={line.system ? 'system' : undefined}>
            {line.text}
          </li>
        ))}
        {pending.map((p) => (
          <li key={`p${p.id}`} className="pending" data-status={p.status}>
            {p.text}
          </li>
        ))}
      </ol>
      <form id="form" onSubmit={submit}>
        <input id="nick" aria-label="nickname" size={9} value={nick} onChange={(e) => setNick(e.target.value)} />
        <input id="text" aria-label="message" placeholder="Say something, even while the server is down" autoComplete="off" value={input} onChange={(e) => setInput(e.target.value)} autoFocus />
        <button>Send</button>
      </form>
    </>
  );
}
