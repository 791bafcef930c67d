/**
 * The snippets of the WebSocket tutorials in shared/seeds, run against a real `ws`
 * server with only the constructor changed (`new WebSocket(x)` → `new SteadySocket(x, { WebSocket })`,
 * since Node 20 has no global WebSocket).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SteadySocket } from '../../src/socket/index';
import { TestServer, until } from './server';

let server: TestServer;
const open: SteadySocket[] = [];
function connect(url: string): SteadySocket {
  const socket = new SteadySocket(url, { WebSocket });
  open.push(socket);
  return socket;
}

afterEach(async () => {
  for (const socket of open.splice(0)) socket.close();
  await server.stop();
});

describe('string echo (seed 000 §61.1, seed 003)', () => {
  beforeEach(async () => {
    server = await new TestServer().start();
  });

  it('sends on open and receives the echo', async () => {
    const log: string[] = [];
    const wsHost = server.url;
    const ws = connect(wsHost);
    const value = 'an example message';
    ws.onmessage = function (message) {
      if (message.data === value) log.push('The echo host sent the correct message.');
      else log.push('Expected: ' + value, 'Received: ' + String(message.data));
    };
    ws.onopen = function () {
      ws.send(value);
    };
    await until(() => log.length > 0);
    expect(log).toEqual(['The echo host sent the correct message.']);
  });

  it('send() straight after the constructor is queued, not an InvalidStateError (seed 003)', async () => {
    const log: string[] = [];
    const connection = connect(server.url);
    connection.onmessage = function (e) {
      log.push('Server: ' + String(e.data));
    };
    connection.send('Hello there!');
    await until(() => log.length > 0);
    expect(log).toEqual(['Server: Hello there!']);
  });
});

describe('addEventListener flow with timed sends and close (seed 002)', () => {
  beforeEach(async () => {
    server = await new TestServer().start();
  });

  it('logs connect, two echoes and disconnect', async () => {
    const log: string[] = [];
    const s = connect(server.url);
    s.addEventListener('open', () => {
      log.push('connected');
      s.send('Hello WebSocket!');
    });
    s.addEventListener('message', (e) => log.push(`client <- server: ${String(e.data)}`));
    s.addEventListener('close', () => log.push('disconnected'));
    setTimeout(() => s.send('Hello World!'), 100);
    setTimeout(() => s.close(), 200);
    await until(() => log.includes('disconnected'));
    expect(log).toEqual([
      'connected',
      'client <- server: Hello WebSocket!',
      'client <- server: Hello World!',
      'disconnected',
    ]);
  });
});

describe('binary echo (seed 000 §61.3)', () => {
  beforeEach(async () => {
    server = await new TestServer().start();
  });

  it('round-trips a 5-byte ArrayBuffer with binaryType arraybuffer', async () => {
    const results: { uint8: number; float32: number }[] = [];
    const ws = connect(server.url);
    const buffer = new ArrayBuffer(5);
    const bufferView = new DataView(buffer);
    bufferView.setFloat32(0, Math.PI);
    bufferView.setUint8(4, 127);
    ws.binaryType = 'arraybuffer';
    ws.onmessage = function (message) {
      const view = new DataView(message.data as ArrayBuffer);
      results.push({ uint8: view.getUint8(4), float32: view.getFloat32(0) });
    };
    ws.onopen = function () {
      ws.send(buffer);
    };
    await until(() => results.length > 0);
    expect(results[0]!.uint8).toBe(127);
    expect(results[0]!.float32).toBeCloseTo(Math.PI, 6);
    expect(Buffer.from(server.received[0] as Buffer)).toEqual(Buffer.from(buffer));
  });
});

describe('chat (seed 001): the server broadcasts "nick: text" to every client', () => {
  beforeEach(async () => {
    server = await new TestServer((socket, srv) => {
      socket.on('message', (data) => {
        for (const client of srv.clients) client.send(data.toString());
      });
    }).start();
  });

  it('every client sees every line, in order', async () => {
    const screens: string[][] = [[], []];
    const sockets = ['alice', 'bob'].map((nick, i) => {
      const socket = connect(server.url);
      socket.onmessage = function (event) {
        screens[i]!.push(String(event.data));
      };
      return { nick, socket };
    });
    await until(() => server.clients.size === 2);
    const say = (who: number, text: string) => {
      const { nick, socket } = sockets[who]!;
      socket.send(nick + ': ' + text);
    };
    say(0, 'hi bob');
    await until(() => screens.every((s) => s.length === 1));
    say(1, 'hi alice');
    await until(() => screens.every((s) => s.length === 2));
    expect(screens).toEqual([
      ['alice: hi bob', 'bob: hi alice'],
      ['alice: hi bob', 'bob: hi alice'],
    ]);
  });
});

describe('readyState (seed 001)', () => {
  beforeEach(async () => {
    server = await new TestServer().start();
  });

  it('goes 0 → 1 → 3', async () => {
    const states: number[] = [];
    const mySocket = connect(server.url);
    states.push(mySocket.readyState);
    mySocket.onopen = function () {
      states.push(mySocket.readyState);
      mySocket.close();
    };
    mySocket.onclose = function () {
      states.push(mySocket.readyState);
    };
    await until(() => states.length === 3);
    expect(states).toEqual([0, 1, 3]);
  });
});
