import type { FakeSocket } from './fake-socket';
import { setup } from './setup';

/** A welcome frame from a server (docs/PROTOCOL.md §4), with the fields a test cares about. */
export const welcome = (fields: Partial<{ session: string; resumed: boolean; received: number; messages: number; bytes: number }> = {}) =>
  `W${JSON.stringify({ v: 1, session: fields.session ?? 'tok1', resumed: fields.resumed ?? false, received: fields.received ?? 0, window: { messages: fields.messages ?? 10, bytes: fields.bytes ?? 1000 }, ttl: 1000 })}`;

/**
 * {@link setup} with `resume` (a window of 3 messages / 100 bytes), and `connect()`: the native
 * socket opens with the session protocol and gets `welcomeFrame`.
 */
export function sessionRig(options: Parameters<typeof setup>[0] = {}) {
  const rig = setup({ resume: { maxMessages: 3, maxBytes: 100 }, ...options });
  const native = () => rig.native() as FakeSocket;
  const connect = (welcomeFrame = welcome()) => {
    native().serverOpen('steadysocket.1');
    native().serverMessage(welcomeFrame);
  };
  return { ...rig, connect, native };
}
