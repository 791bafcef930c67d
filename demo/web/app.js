// The chat client of the WebSocket tutorials (a text input; every line goes to the server,
// which sends it to everyone), with SteadySocket in place of WebSocket and a badge that
// shows what the connection is doing. SteadySocket is the global of the script-tag build.
'use strict';

const $ = (id) => document.getElementById(id);
const chat = $('chat');
const input = $('text');
$('nick').value = `guest-${Math.floor(100 + Math.random() * 900)}`;

// The URL is asked for before every attempt: if the chat server comes back on another port,
// the next attempt finds it.
const socket = new SteadySocket(() => fetch('/status').then((r) => r.json()).then((s) => s.url));

// ---- the chat, as in the tutorials ----------------------------------------------------------

// What we sent and have not seen come back yet, oldest first. The server sends every message
// to everyone, the sender included, so our own line coming back means it was delivered.
const pending = [];

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!input.value) return;
  const text = `${$('nick').value}: ${input.value}`;
  input.value = '';
  const item = line(text, 'pending');
  // send() never throws because the socket is down: it queues (or reports a drop).
  item.dataset.status = socket.readyState === SteadySocket.OPEN ? 'sent' : 'queued';
  pending.push(item);
  socket.send(text);
  render();
});

socket.onmessage = (event) => {
  const mine = pending.findIndex((item) => item.textContent === event.data && !item.dataset.status.startsWith('dropped'));
  if (mine === -1) return void line(event.data);
  const [item] = pending.splice(mine, 1);
  item.remove();
  line(event.data);
};

// ---- what the connection does ---------------------------------------------------------------

let retry = { attempt: 0, at: 0 }; // the scheduled retry: which one, and when (performance.now())
let connected = false;

socket.onopen = () => {
  connected = true;
  note(socket.stats.reconnects ? `connected again (reconnect #${socket.stats.reconnects})` : 'connected');
  // The queue was flushed, in order, before this event.
  for (const item of pending) if (item.dataset.status === 'queued') item.dataset.status = 'sent';
  retry = { attempt: 0, at: 0 };
  control('status');
};
socket.onclose = (event) => {
  if (connected) note(`connection lost (code ${event.code}${event.wasClean ? '' : ', no closing handshake'})`);
  connected = false;
};
socket.on('reconnecting', ({ attempt, delay }) => {
  retry = { attempt, at: performance.now() + delay };
  note(`retry ${attempt} in ${(delay / 1000).toFixed(1)} s`);
});
socket.on('drop', ({ data, reason }) => {
  const item = pending.find((i) => i.textContent === data && !i.dataset.status.startsWith('dropped'));
  if (item) item.dataset.status = `dropped (${reason})`;
});
socket.on('state', render);

// ---- the badge: connecting / open / reconnecting in N s, and queued N --------------------------

function render() {
  const state = socket.connectionState;
  let text = state;
  if (state === 'reconnecting') text = `reconnecting in ${(Math.max(0, retry.at - performance.now()) / 1000).toFixed(1)} s`;
  if (state === 'connecting' && retry.attempt > 0) text = `connecting (retry ${retry.attempt})`;
  $('badge').dataset.state = state;
  $('badge').dataset.retry = String(retry.attempt);
  $('badge-state').textContent = text;
  const { queued } = socket.stats;
  $('badge-queued').textContent = `queued ${queued}`;
  $('badge-queued').hidden = queued === 0;
}
setInterval(render, 100); // the countdown
render();

// ---- the buttons: crash and restart the chat server -------------------------------------------

async function control(action) {
  try {
    const response = await fetch(`/${action}`, { method: action === 'status' ? 'GET' : 'POST' });
    if (!response.ok) throw new Error(await response.text());
    const { running, clients } = await response.json();
    $('server').textContent = running ? `chat server: running (${clients} connected)` : 'chat server: down';
    $('kill').disabled = !running;
    $('restart').disabled = running;
    if (action !== 'status') note(running ? 'chat server restarted' : 'chat server killed');
  } catch (error) {
    $('server').textContent = `chat server: ${error.message}`;
  }
}
$('kill').onclick = () => control('kill');
$('restart').onclick = () => control('restart');
control('status');
input.focus();

// ---- the log ----------------------------------------------------------------------------------

function line(text, className) {
  const item = document.createElement('li');
  item.textContent = text;
  if (className) item.className = className;
  // Messages that arrived go above those still waiting.
  chat.insertBefore(item, className === 'pending' ? null : pending[0] ?? null);
  item.scrollIntoView({ block: 'nearest' });
  return item;
}

function note(text) {
  line(`— ${text}`).classList.add('system');
}
