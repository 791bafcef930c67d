/** docs/PROTOCOL.md's test vectors, decoded by the reference codec and replayed against the reference server. */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { binaryPayload, decodeText } from '../../src/session/protocol';
import { until } from '../integration/server';
import { later, sessionServer } from '../server/helpers';

const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
const blocks = (lang: string) => [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const [textVectors, binaryVectors] = blocks('jsonl').map((block) => block.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));

describe('docs/PROTOCOL.md test vectors', () => {
  it('has both tables', () => {
    expect(textVectors!.length).toBeGreaterThan(15);
    expect(binaryVectors!.length).toBeGreaterThan(2);
  });

  it.each(textVectors!.map((v) => [v.frame as string, v.decoded] as const))('text frame %j', (frame, decoded) => {
    const result = decodeText(frame);
    if (decoded === 'error') expect(typeof result).toBe('string');
    else expect(result).toEqual(decoded);
  });

  it.each(binaryVectors!.map((v) => [v.hex as string, v.payload as string] as const))('binary frame 0x%s', (hex, payload) => {
    const result = binaryPayload(Buffer.from(hex, 'hex'));
    if (payload === 'error') expect(typeof result).toBe('string');
    else expect(Buffer.from(result as Buffer).toString('hex')).toBe(payload);
  });

  it('the session transcript, replayed against SessionServer', async () => {
    const { url, server } = await sessionServer();
    server.on('session', (session) => session.on('message', (data) => session.send(`echo ${data}`)));
    const lines = blocks('transcript')[0]!.trim().split('\n');
    const tokens = new Map<string, string>();
    let ws: WebSocket | undefined;
    let frames: string[] = [];
    let expected: string[] = [];
    const check = async () => {
      await until(() => frames.length >= expected.length, 2000, `the frames ${JSON.stringify(expected)}`);
      expected.forEach((line, i) => {
        const pattern = new RegExp('^' + line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<(T\d)>/g, (_, name: string) => (tokens.has(name) ? tokens.get(name)! : `(?<${name}>[A-Za-z0-9_-]+)`)) + '$');
        const match = pattern.exec(frames[i]!);
        expect(match, `frame ${i}: ${frames[i]} vs ${line}`).not.toBeNull();
        for (const [name, value] of Object.entries(match?.groups ?? {})) tokens.set(name, value);
      });
      frames = frames.slice(expected.length);
      expected = [];
    };
    for (const line of lines) {
      if (/^# connection \d+(,|:|$)/.test(line)) {
        if (ws) await check();
        ws?.terminate();
        ws = new WebSocket(url, ['steadysocket', 'steadysocket.1']);
        const current = ws;
        later(() => current.terminate());
        ws.on('message', (data, isBinary) => frames.push(isBinary ? (data as Buffer).toString('hex') : data.toString()));
        await once(ws, 'open');
        expect(ws.protocol).toBe('steadysocket.1');
        frames = [];
      } else if (line.startsWith('→ ')) {
        await check();
        ws!.send(line.slice(2).replace(/<(T\d)>/g, (_, name: string) => tokens.get(name)!));
      } else if (line.startsWith('← ')) {
        expected.push(line.slice(2));
      }
    }
    await check();
    // Nothing more comes (an ack would within 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(frames).toEqual([]);
    expect(new Set(tokens.values()).size).toBe(3);
  });
});
