import { it } from 'vitest';
import { setup } from '../helpers/setup';
import type { FakeSocket } from '../helpers/fake-socket';
const welcome = (fields: any = {}) =>
  `W${JSON.stringify({ v: 1, session: fields.session ?? 'tok1', resumed: fields.resumed ?? false, received: fields.received ?? 0, window: { messages: fields.messages ?? 10, bytes: fields.bytes ?? 1000 }, ttl: 1000 })}`;
it('dbg', () => {
  const rig = setup({ resume: { maxMessages: 3, maxBytes: 100 } });
  const native = () => rig.native() as FakeSocket;
  native().serverOpen('steadysocket.1'); native().serverMessage(welcome({ session: 'T1' }));
  native().serverMessage('D1');
  rig.clock.advance(50);
  native().serverClose(1006);
  rig.clock.advance(1000);
  native().serverOpen('steadysocket.1');
  native().serverMessage(welcome({ session: 'T2', resumed: true }));
  native().serverMessage('D2');
  console.log(JSON.stringify(native().sent), rig.log());
  rig.clock.advance(1000);
  console.log(JSON.stringify(native().sent));
});
