/**
 * Issue 14's classes, generated rather than listed: URLs with secrets in any part, close
 * codes with fractions, buffers changed after a queued send, messages of any size against
 * an iterator nobody reads, and listeners of every kind that throw at random.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channels } from '../../src/channels/index';
import { redactUrls } from '../../src/socket/redact';
import { validateClose } from '../../src/socket/validation';
import { fakeSocket } from '../helpers/setup';
import { report, seed } from './seed';

const params = { seed, numRuns: 300 };
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((s) => `S3C${s}`);

describe('generated hostile input', () => {
  it('redactUrls leaves no query value, fragment or password of any URL in any text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ws', 'wss', 'http', 'https'),
        fc.domain(),
        fc.webPath(),
        secret,
        fc.constantFrom('query', 'fragment', 'password', 'user'),
        fc.string({ maxLength: 20 }).filter((s) => !/\s|:\/\//.test(s)),
        (scheme, host, path, token, where, around) => {
          const url =
            where === 'query' ? `${scheme}://${host}${path}?token=${token}` :
            where === 'fragment' ? `${scheme}://${host}${path}#${token}` :
            where === 'password' ? `${scheme}://user:${token}@${host}${path}` :
            `${scheme}://${token}@${host}${path}`;
          const text = `${around} failed: ${url} (${around})`;
          expect(redactUrls(text)).not.toContain(token);
          expect(redactUrls(text)).toContain(host);
        },
      ),
      params,
    );
  });

  it('close(code) sends what the native one would: [Clamp] rounds halves to even', () => {
    const native = (x: number) => {
      const clamped = Math.min(65535, Math.max(0, x));
      const floor = Math.floor(clamped);
      const diff = clamped - floor;
      return diff > 0.5 || (diff === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
    };
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 2990, max: 5010 }).chain((n) => fc.constantFrom(n, n + 0.5, n + 0.25, n + 0.75, n - 0.5))), (code) => {
        const expected = native(code);
        const valid = expected === 1000 || (expected >= 3000 && expected <= 4999);
        if (valid) expect(validateClose(code, undefined).code).toBe(expected);
        else expect(() => validateClose(code, undefined)).toThrow();
      }),
      params,
    );
  });

  it('a queued binary message goes out with the bytes it had at send(), whatever changes after', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 8 }), fc.nat(255), (buffers, poke) => {
        const { socket, native } = fakeSocket();
        const originals = buffers.map((b) => [...b]);
        for (const b of buffers) socket.send(b);
        for (const b of buffers) b.fill(poke);
        native().serverOpen();
        expect(native().sent.map((d) => [...new Uint8Array(d as Uint8Array)])).toEqual(originals);
        socket.close();
      }),
      params,
    );
  });

  it('an unread iterator never holds more characters than its bound, and reports every message it lets go', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3000), { minLength: 1, maxLength: 40 }), fc.integer({ min: 100, max: 5000 }), (sizes, bound) => {
        const { socket, native, clock } = fakeSocket({}, 'ws://test.invalid/');
        const chat = channels<{ chat: { receive: string } }>(socket, { clock, limits: { iteratorBytes: bound } }).channel('chat');
        const kept: number[] = [];
        let dropped = 0;
        chat.on('overflow', () => {
          dropped++;
          kept.shift();
        });
        chat.iterate();
        native().serverOpen();
        for (const size of sizes) {
          const text = JSON.stringify({ channel: 'chat', data: 'x'.repeat(size) });
          kept.push(text.length);
          native().serverMessage(text);
          expect(kept.reduce((a, b) => a + b, 0) <= bound || kept.length === 0).toBe(true);
        }
        expect(dropped + kept.length).toBe(sizes.length);
        socket.close();
      }),
      params,
    );
  });

  it('listeners of every kind run once per event in the order they were added, whichever of them throw', async () => {
    const kinds = fc.array(fc.record({ kind: fc.constantFrom('on', 'dom', 'handler'), throws: fc.boolean() }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(kinds, async (listeners) => {
        const { socket, native } = fakeSocket();
        const reported: unknown[] = [];
        const onError = (error: unknown) => reported.push(error);
        process.on('uncaughtException', onError);
        const ran: number[] = [];
        let handlerIndex = -1;
        listeners.forEach(({ kind, throws }, i) => {
          const fn = () => {
            ran.push(i);
            if (throws) throw new Error(`listener ${i}`);
          };
          if (kind === 'on') socket.on('message', fn);
          else if (kind === 'dom') socket.addEventListener('message', fn);
          else if (handlerIndex === -1) {
            handlerIndex = i;
            socket.onmessage = fn;
          } else ran.push(-1); // a second handler assignment would replace the first: not added
        });
        native().serverOpen();
        native().serverMessage('m');
        await new Promise((resolve) => setImmediate(resolve));
        process.off('uncaughtException', onError);
        const expected = listeners.map((_, i) => i).filter((i) => listeners[i]!.kind !== 'handler' || i === handlerIndex);
        expect(ran.filter((i) => i >= 0)).toEqual(expected);
        expect(reported).toHaveLength(expected.filter((i) => listeners[i]!.throws).length);
        socket.close();
      }),
      { seed, numRuns: 100 },
    );
    report(`hostile input: 5 generated classes (seed ${seed})`);
  });
});
