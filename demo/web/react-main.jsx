// The React twin of app.js: the components of examples/react-chat.tsx, plus the buttons that
// crash and restart the chat server, mounted under <StrictMode>. demo/web/server.mjs bundles
// this file with esbuild (development React, so StrictMode mounts twice, as in `npm run dev`).
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useSocketEvent } from 'steadysocket/react';
import { Badge, Chat, useChat } from '../../examples/react-chat.tsx';

function ServerControls() {
  const [status, setStatus] = useState({ text: 'chat server: …', running: undefined });
  const control = useCallback(async (action) => {
    try {
      const response = await fetch(`/${action}`, { method: action === 'status' ? 'GET' : 'POST' });
      if (!response.ok) throw new Error(await response.text());
      const { running, clients } = await response.json();
      setStatus({ text: running ? `chat server: running (${clients} connected)` : 'chat server: down', running });
    } catch (error) {
      setStatus({ text: `chat server: ${error.message}`, running: undefined });
    }
  }, []);
  useEffect(() => void control('status'), [control]);
  // The same socket as the badge's and the chat's (one connection): refresh the count on open.
  useSocketEvent(useChat(), 'open', () => void control('status'));
  return (
    <p className="controls">
      <span id="server">{status.text}</span>
      <button id="kill" type="button" disabled={status.running === false} onClick={() => control('kill')}>
        Kill server
      </button>
      <button id="restart" type="button" disabled={status.running === true} onClick={() => control('restart')}>
        Restart server
      </button>
    </p>
  );
}

function App() {
  return (
    <>
      <header>
        <h1>steadysocket chat (React)</h1>
        <Badge />
      </header>
      <ServerControls />
      <Chat />
    </>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
