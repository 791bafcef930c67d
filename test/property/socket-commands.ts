/**
 * The steps of the model-based test: user calls and network events as fast-check commands.
 * Each runs on the model and on the real socket, then compares the lifecycle events the
 * step produced with the model's, and checks the invariants (see Harness.check).
 * `toString` is what a shrunk counterexample prints.
 */
import fc from 'fast-check';
import { flush, type Action, type Harness, type ListenedEvent } from './socket-harness';
import type { ModelConfig, SocketModel } from './socket-model';
import { FakeSocket } from '../helpers/fake-socket';

type Step = fc.AsyncCommand<SocketModel, Harness>;

/** Runs `act` on the socket and `predict` on the model, then compares and checks. */
async function step(m: SocketModel, r: Harness, act: () => void, predict: () => string | undefined | void): Promise<void> {
  m.step();
  const before = r.log.length;
  act();
  await flush();
  const refused = predict();
  if (refused) throw new Error(refused);
  if (r.loose) {
    m.sync(r.observed());
    r.check(m);
    return;
  }
  const produced = r.log.slice(before).map((e) => e.event);
  if (produced.join(' ') !== m.expected.join(' ')) {
    throw new Error(`events differ from the model\n  socket: ${produced.join(' ') || '(none)'}\n  model:  ${m.expected.join(' ') || '(none)'}`);
  }
  r.check(m);
}

class Send implements Step {
  constructor(readonly connectionOnly: boolean, readonly padding: string) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.send(this.connectionOnly, this.padding), () => {});
  toString = () => `send(${JSON.stringify(`m…${this.padding}`)}${this.connectionOnly ? ', { connectionOnly: true }' : ''})`;
}

class ChannelSend implements Step {
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.channelSend(), () => {});
  toString = () => `channel('chat').send(…)`;
}

class Request implements Step {
  constructor(readonly timeout: number, readonly idempotent: boolean) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => r.request(this.timeout, this.idempotent), () => void m.requests++);
  toString = () => `request('echo', { timeout: ${this.timeout}${this.idempotent ? ', idempotent: true' : ''} })`;
}

class Abort implements Step {
  constructor(readonly index: number) {}
  check = (m: Readonly<SocketModel>) => m.requests > 0;
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => r.requests[this.index % r.requests.length]!.abort.abort(), () => {
      // Checked after the step's microtasks: an aborted request has settled.
      const request = r.requests[this.index % r.requests.length]!;
      return request.settled ? undefined : `request ${request.id} still pending after its abort`;
    });
  toString = () => `abort(request #${this.index})`;
}

class Close implements Step {
  constructor(readonly code: number | undefined) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.close(this.code), () => m.close(this.code));
  toString = () => `close(${this.code ?? ''})`;
}

class InvalidClose implements Step {
  constructor(readonly code: number, readonly reason: string) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => {
      let thrown: unknown;
      try {
        r.socket.close(this.code, this.reason);
      } catch (error) {
        thrown = error;
      }
      const name = (thrown as { name?: string } | undefined)?.name;
      if (name !== 'InvalidAccessError' && name !== 'SyntaxError') throw new Error(`close(${this.code}) threw ${String(thrown)}`);
    }, () => {});
  toString = () => `close(${this.code}, ${this.reason.length > 10 ? `<${this.reason.length} chars>` : JSON.stringify(this.reason)}) // throws`;
}

class Reconnect implements Step {
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.socket.reconnect(), () => m.reconnect());
  toString = () => 'reconnect()';
}

class ServerOpen implements Step {
  check = (m: Readonly<SocketModel>) => m.native === 'connecting';
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.native.serverOpen(), () => m.opened());
  toString = () => 'server: open';
}

class ServerMessage implements Step {
  constructor(readonly data: string | ArrayBuffer) {}
  check = (m: Readonly<SocketModel>) => m.native === 'open' || m.native === 'closing';
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => r.native.serverMessage(this.data), () => m.message(this.data === 'pong' && r.config.heartbeat !== false));
  toString = () => `server: message ${typeof this.data === 'string' ? JSON.stringify(this.data) : `<${this.data.byteLength} bytes>`}`;
}

class ServerClose implements Step {
  constructor(readonly code: number) {}
  check = (m: Readonly<SocketModel>) => m.native !== 'none';
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.native.serverClose(this.code), () => m.closed(this.code));
  toString = () => `server: close ${this.code}`;
}

class ServerError implements Step {
  constructor(readonly thenClose: boolean) {}
  check = (m: Readonly<SocketModel>) => m.native !== 'none';
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => (this.thenClose ? r.native.fail() : r.native.onerror?.({ type: 'error' } as never)), () => {
      m.error();
      if (this.thenClose) m.closed(1006);
    });
  toString = () => (this.thenClose ? 'server: error, then close 1006' : 'server: error');
}

class Buffered implements Step {
  constructor(readonly bytes: number | undefined) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) =>
    step(m, r, () => void (FakeSocket.instances.length > 0 && (r.native.bufferedAmount = this.bytes)), () => {});
  toString = () => `native bufferedAmount = ${this.bytes}`;
}

class Advance implements Step {
  constructor(readonly ms: number) {}
  check = () => true;
  run = async (m: SocketModel, r: Harness) => {
    const from = r.log.length;
    await step(m, r, () => r.clock.advance(this.ms), () => {
      // A loose run's probes may end a connection sooner than the model allows: it only follows.
      const deaths = r.loose ? [] : r.log.slice(from).filter((e) => e.event === 'error:HEARTBEAT_TIMEOUT').map((e) => e.at);
      return m.advance(this.ms, deaths);
    });
    r.checkDeadlines(this.ms, m.state);
  };
  toString = () => `clock.advance(${this.ms})`;
}

class Jump implements Step {
  constructor(readonly ms: number) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.clock.jump(this.ms), () => m.jump(this.ms));
  toString = () => `clock.jump(${this.ms}) // no timer fires`;
}

class Arm implements Step {
  constructor(readonly event: ListenedEvent, readonly action: Action) {}
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.arm(this.event, this.action), () => {});
  toString = () => `socket.once('${this.event}', () => ${this.action})`;
}

class Probe implements Step {
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.probe(), () => m.probe());
  toString = () => 'probe()';
}

class Wake implements Step {
  constructor(readonly type: 'online' | 'pageshow') {}
  check = () => true;
  run = (m: SocketModel, r: Harness) => step(m, r, () => r.lifecycle.dispatch(this.type), () => m.wake());
  toString = () => `window: ${this.type}`;
}

const inbound = fc.oneof(
  fc.constantFrom('pong', 'junk', '{"channel":"chat","data":"x"}', '{"channel":"__proto__"}', '{"channel":"chat"}', '[]', ''),
  fc.integer({ min: 0, max: 9 }).map((id) => `{"id":${id},"data":"r"}`),
  fc.integer({ min: 0, max: 9 }).map((id) => `{"id":${id},"error":"no"}`),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => bytes.buffer as ArrayBuffer),
);

/** Close codes: the ones with a meaning, and any other in the valid range. */
const closeCode = fc.oneof(
  fc.constantFrom(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1015, 4000, 4001, 4002, 4003),
  fc.integer({ min: 1000, max: 4999 }),
);

/** Every kind of step, weighted so that sequences spend most of their steps alive, not closed. */
export const commands = [
  fc.oneof(
    { weight: 12, arbitrary: fc.record({ only: fc.boolean(), pad: fc.constantFrom('', ':x', ':héllo😀', `:${'y'.repeat(40)}`) }).map(({ only, pad }) => new Send(only, pad)) },
    { weight: 4, arbitrary: fc.constant(new ChannelSend()) },
    { weight: 6, arbitrary: fc.record({ timeout: fc.constantFrom(300, 1500), idempotent: fc.boolean() }).map(({ timeout, idempotent }) => new Request(timeout, idempotent)) },
    { weight: 2, arbitrary: fc.nat({ max: 20 }).map((i) => new Abort(i)) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, 1000, 3000, 4999).map((code) => new Close(code)) },
    { weight: 1, arbitrary: fc.constantFrom<[number, string]>([1005, ''], [999, ''], [5000, ''], [1000, 'x'.repeat(124)]).map(([code, reason]) => new InvalidClose(code, reason)) },
    { weight: 5, arbitrary: fc.constant(new Reconnect()) },
    { weight: 12, arbitrary: fc.constant(new ServerOpen()) },
    { weight: 8, arbitrary: inbound.map((data) => new ServerMessage(data)) },
    { weight: 6, arbitrary: closeCode.map((code) => new ServerClose(code)) },
    { weight: 4, arbitrary: fc.boolean().map((thenClose) => new ServerError(thenClose)) },
    { weight: 6, arbitrary: fc.constantFrom(0, 0, 5, 50, 1000, undefined).map((bytes) => new Buffered(bytes)) },
    { weight: 10, arbitrary: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 40_000 }) }).map((ms) => new Advance(ms)) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000 }).map((ms) => new Jump(ms)) },
    { weight: 2, arbitrary: fc.constant(new Probe()) },
    { weight: 2, arbitrary: fc.constantFrom<'online' | 'pageshow'>('online', 'pageshow').map((type) => new Wake(type)) },
  ),
];

/**
 * The steps of loose runs: the same, plus listeners that call back into the socket when
 * their event comes (close() from a 'state' listener, reconnect() from 'open', a send from
 * 'drop'…), with probes among their actions.
 */
export const looseCommands = [
  fc.oneof(
    { weight: 5, arbitrary: commands[0]! },
    {
      weight: 1,
      arbitrary: fc
        .record({
          event: fc.constantFrom<ListenedEvent>('state', 'open', 'close', 'reconnecting', 'error', 'drop', 'message'),
          action: fc.constantFrom<Action>('send', 'send connectionOnly', 'channel send', 'request', 'close', 'reconnect', 'probe'),
        })
        .map(({ event, action }) => new Arm(event, action)),
    },
  ),
];

/** The socket's options for one sequence. */
export const config: fc.Arbitrary<ModelConfig> = fc.record({
  jitter: fc.constantFrom('full', 'equal', 'decorrelated', 'none'),
  random: fc.constantFrom(0, 0.3, 0.999),
  minDelay: fc.constantFrom(0, 50, 100),
  maxDelay: fc.constantFrom(100, 2000),
  factor: fc.constantFrom(1, 2, 3),
  maxRetries: fc.constantFrom(Infinity, Infinity, Infinity, 5, 2, 0),
  connectTimeout: fc.constantFrom(500, 3000),
  minUptime: fc.constantFrom(0, 1000, 5000),
  closeTimeout: fc.constantFrom(200, 1000),
  heartbeat: fc.constantFrom(false as const, { interval: 1000, timeout: 500 }),
  queue: fc.record({
    maxMessages: fc.constantFrom(0, 1, 3, 8, 100),
    maxBytes: fc.constantFrom(0, 64, 1000, 100_000),
    overflow: fc.constantFrom('reject' as const, 'drop-oldest' as const),
    maxAge: fc.constantFrom(Infinity, 1500),
    highWaterMark: fc.constantFrom(0, 10, 100),
  }),
  policy: fc.boolean(),
  url: fc.constant('static' as const),
});

/** Options of a loose run: URL providers too. */
export const looseConfig: fc.Arbitrary<ModelConfig> = fc
  .tuple(config, fc.constantFrom('static' as const, 'async' as const, 'flaky' as const))
  .map(([c, url]) => ({ ...c, url }));
