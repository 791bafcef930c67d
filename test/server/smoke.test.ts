import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SteadySocket } from '../../src/socket/index';
import { SessionServer } from '../../src/server/index';
import { until } from '../integration/server';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function sessionServer() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const server = new SessionServer(wss);
  closers.push(() => new Promise((r) => { server.close(); wss.close(r); }));
  return { wss, server, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/` };
}

describe('smoke', () => {
  it('echoes through a session', async () => {
    const { server, url } = await sessionServer();
    server.on('session', (s) => s.on('message', (d) => s.send(`echo ${d}`)));
    const ws = new SteadySocket(url, { WebSocket, resume: true });
    closers.push(() => ws.close());
    const got: string[] = [];
    const opens: boolean[] = [];
    ws.addEventListener('open', (e) => opens.push(e.resumed));
    ws.addEventListener('message', (e) => got.push(String(e.data)));
    ws.addEventListener('error', (e) => console.log('ERR', e.error.code, e.error.message));
    for (let i = 0; i < 5; i++) ws.send(`m${i}`);
    await until(() => got.length === 5, 3000, 'echoes');
    expect(got).toEqual(['echo m0', 'echo m1', 'echo m2', 'echo m3', 'echo m4']);
    expect(opens).toEqual([false]);
    await until(() => ws.stats.unacked === 0, 3000, 'acks');
    ws.reconnect();
    await until(() => opens.length === 2, 3000, 'resume');
    expect(opens).toEqual([false, true]);
    ws.send('after');
    await until(() => got.length === 6, 3000, 'after');
    expect(got[5]).toBe('echo after');
  });
});
