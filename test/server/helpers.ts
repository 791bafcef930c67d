import { once } from 'node:events';
import { afterEach } from 'vitest';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';
import { SessionServer, type Session, type SessionServerOptions } from '../../src/server/index';

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Runs `stop` after the current test, newest first. */
export function later(stop: () => unknown): void {
  stops.push(stop);
}

/** A `ws` server on 127.0.0.1, port 0, closed after the test. */
export async function wsServer(options: ServerOptions = {}): Promise<{ wss: WebSocketServer; url: string }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await once(wss, 'listening');
  later(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/` };
}

/** A SessionServer on a fresh `ws` server; its sessions are collected in order. */
export async function sessionServer(options: SessionServerOptions = {}, wsOptions: ServerOptions = {}) {
  const { wss, url } = await wsServer(wsOptions);
  const server = new SessionServer(wss, { pingInterval: 0, ...options });
  later(() => server.close());
  const sessions: Session[] = [];
  server.on('session', (session) => sessions.push(session));
  return { wss, server, url, sessions };
}

/**
 * A raw `ws` client speaking the protocol by hand, recording every frame it receives (text
 * as strings, binary as hex) and how it closed.
 */
export async function rawClient(url: string, protocols: string[] = ['steadysocket.1']) {
  const ws = new WebSocket(url, protocols);
  later(() => ws.terminate());
  const frames: string[] = [];
  const closed: { code?: number } = {};
  ws.on('message', (data, isBinary) => frames.push(isBinary ? `0x${(data as Buffer).toString('hex')}` : data.toString()));
  ws.on('close', (code) => (closed.code = code));
  ws.on('error', () => {});
  await once(ws, 'open');
  return { ws, frames, closed };
}

/** The welcome frame among `frames`, parsed. */
export function welcomeOf(frames: string[]): { session: string; resumed: boolean; received: number; ttl: number } {
  const frame = frames.find((f) => f.startsWith('W'));
  if (!frame) throw new Error(`no welcome in ${JSON.stringify(frames)}`);
  return JSON.parse(frame.slice(1));
}

export const HELLO = 'H{"v":1,"window":{"messages":100,"bytes":100000}}';
