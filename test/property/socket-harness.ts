/**
 * The system under test for the model-based test: a SteadySocket on the FakeSocket and a
 * ManualClock, with a channel client on it for channel sends and requests, every outbound
 * message numbered and its fate recorded, and the checks that must hold after every step
 * whatever the model says.
 */
import { channels, type ChannelClient } from '../../src/channels/index';
import { utf8Length } from '../../src/socket/data';
import { DRAIN_POLL_MS } from '../../src/socket/outbox';
import { SteadySocket } from '../../src/socket/steady-socket';
import { canTransition, readyStateOf, type ConnectionState } from '../../src/socket/state';
import { FakeSocket } from '../helpers/fake-socket';
import { ManualClock } from '../helpers/manual-clock';
import { FakeLifecycle } from './fake-lifecycle';
import { policy, type ModelConfig, type NativeState } from './socket-model';

type Api = { echo: { request: string; reply: string }; chat: { receive: string; send: string } };

/** What a listener armed by a loose run may call, and on which event. */
export type Action = 'send' | 'send connectionOnly' | 'channel send' | 'request' | 'close' | 'reconnect' | 'probe';
export type ListenedEvent = 'state' | 'open' | 'close' | 'reconnecting' | 'error' | 'drop' | 'message';

interface Request {
  readonly id: number;
  readonly deadline: number;
  readonly abort: AbortController;
  settled: boolean;
}

/** Every user and channel message carries a number, in the order it was handed to the socket. */
const NUMBERED = /^m(\d+)/;

export class Harness {
  readonly clock = new ManualClock();
  readonly socket: SteadySocket;
  /** Channel sends and requests go through it; on the same clock. */
  readonly api: ChannelClient<Api>;
  /** Lifecycle events as they were delivered: `state:open`, `close:1006:r`, `error:CODE`… */
  readonly log: { event: string; at: number }[] = [];
  readonly requests: Request[] = [];
  /** Pending and settled probe() calls. */
  readonly probes: { settled: boolean }[] = [];
  /** Stands in for `window`: the socket listens here for wake-ups (online, pageshow). */
  readonly lifecycle = new FakeLifecycle();
  /** Messages `send()` (or `channel.send()`) accepted, with when and how many bytes. */
  private readonly accepted = new Map<number, { at: number; bytes: number }>();
  private readonly refused = new Set<number>();
  private readonly dropped = new Map<number, number>();
  private drops = 0;
  /** Inside a listener armed by {@link arm}. */
  private nested = false;
  private received = 0;
  private next = 0;
  private nextRequestId = 1;
  private lastState: ConnectionState;
  private readonly violations: string[] = [];
  /** Native sockets created when close() was first called. */
  private socketsAtClose: number | undefined;
  /** Set by a loose run: listeners call back into the socket; the model only follows. */
  readonly loose: boolean;

  constructor(readonly config: ModelConfig, loose = false) {
    FakeSocket.reset();
    this.loose = loose;
    let calls = 0;
    const url =
      config.url === 'async' || config.url === 'flaky'
        ? async () => {
            if (config.url === 'flaky' && ++calls % 3 === 0) throw new Error('token service down');
            return 'ws://model.invalid/';
          }
        : 'ws://model.invalid/';
    this.socket = new SteadySocket(url, {
      WebSocket: FakeSocket,
      clock: this.clock,
      random: () => config.random,
      lifecycleEvents: this.lifecycle,
      jitter: config.jitter,
      minDelay: config.minDelay,
      maxDelay: config.maxDelay,
      factor: config.factor,
      maxRetries: config.maxRetries,
      connectTimeout: config.connectTimeout,
      minUptime: config.minUptime,
      closeTimeout: config.closeTimeout,
      heartbeat: config.heartbeat,
      queue: config.queue,
      ...(config.policy ? { shouldReconnect: policy } : {}),
    });
    this.api = channels<Api>(this.socket, { clock: this.clock, requestTimeout: 1_000 });
    const s = this.socket;
    this.lastState = s.connectionState;
    const at = () => this.clock.now();
    s.on('state', (e) => {
      if (e.previous !== this.lastState) this.violations.push(`state event from ${e.previous}, but the state was ${this.lastState}`);
      if (!canTransition(e.previous, e.state) || e.previous === e.state) this.violations.push(`illegal transition ${e.previous} → ${e.state}`);
      this.lastState = e.state;
      this.log.push({ event: `state:${e.state}`, at: at() });
    });
    s.on('open', () => {
      if (s.connectionState !== 'open') this.violations.push(`open event while ${s.connectionState}`);
      this.log.push({ event: 'open', at: at() });
    });
    s.on('close', (e) => {
      // A listener's close() or reconnect() may overtake a close event already on its way (loose runs).
      if (!loose && e.willReconnect === (s.connectionState === 'closed')) this.violations.push(`close willReconnect ${e.willReconnect} while ${s.connectionState}`);
      this.log.push({ event: `close:${e.code}:${e.willReconnect ? 'r' : 'final'}`, at: at() });
    });
    s.on('reconnecting', (e) => this.log.push({ event: `reconnecting:${e.attempt}:${e.delay}`, at: at() }));
    s.on('error', (e) => this.log.push({ event: `error:${e.error.code}`, at: at() }));
    s.on('message', () => this.received++);
    s.on('drop', (e) => {
      this.drops++;
      const n = numberOf(e.data);
      if (n !== undefined) this.dropped.set(n, (this.dropped.get(n) ?? 0) + 1);
    });
    // The first attempt starts after the task that made the socket (the model starts there).
    this.clock.advance(0);
  }

  /** The native socket of the current attempt (network steps run only when there is one). */
  get native(): FakeSocket {
    return FakeSocket.last;
  }

  // ---- user calls ----

  send(connectionOnly: boolean, padding: string): void {
    const n = this.next++;
    const text = `m${n}${padding}`;
    this.track(n, utf8Length(text), this.socket.send(text, { connectionOnly }));
  }

  channelSend(): void {
    const n = this.next++;
    const text = `m${n}`;
    const bytes = utf8Length(JSON.stringify({ channel: 'chat', data: text }));
    this.track(n, bytes, this.api.channel('chat').send(text));
  }

  request(timeout: number, idempotent: boolean): void {
    const abort = new AbortController();
    const request: Request = { id: this.nextRequestId++, deadline: this.clock.now() + timeout, abort, settled: false };
    this.requests.push(request);
    const done = () => (request.settled = true);
    this.api.request('echo', 'q', { timeout, idempotent, signal: abort.signal }).then(done, done);
  }

  probe(): void {
    const probe = { settled: false };
    this.probes.push(probe);
    const done = () => (probe.settled = true);
    this.socket.probe().then(done, done);
  }

  close(code: number | undefined): void {
    this.socketsAtClose ??= FakeSocket.instances.length;
    this.socket.close(code);
  }

  /**
   * The next `event` runs `action` from inside the listener: a call back into the socket
   * mid-delivery. What it posts (a drop, say) is delivered after this listener returns, so
   * its checks wait for the end of the step.
   */
  arm(event: ListenedEvent, action: Action): void {
    this.socket.once(event, () => {
      this.nested = true;
      try {
        this.act(action);
      } catch (error) {
        this.violations.push(`${action} from a '${event}' listener threw ${String(error)}`);
      } finally {
        this.nested = false;
      }
    });
  }

  act(action: Action): void {
    switch (action) {
      case 'send':
        return this.send(false, '');
      case 'send connectionOnly':
        return this.send(true, '');
      case 'channel send':
        return this.channelSend();
      case 'request':
        return this.request(500, false);
      case 'close':
        return this.close(undefined);
      case 'reconnect':
        return this.socket.reconnect();
      case 'probe':
        return this.probe();
    }
  }

  /** What the socket shows now, for a loose run's model to follow. */
  observed(): { state: ConnectionState; native: NativeState; closeCalled: boolean; now: number } {
    const state = this.socket.connectionState;
    const f = FakeSocket.instances.at(-1);
    const attached = f !== undefined && f.liveHandlers > 0;
    const native: NativeState = !attached ? 'none' : f.readyState === 0 ? 'connecting' : f.readyState === 1 ? 'open' : 'closing';
    return { state, native, closeCalled: this.socketsAtClose !== undefined, now: this.clock.now() };
  }

  // ---- checks ----

  /** What must hold after every step, whatever the model predicts. */
  check(model: { state: ConnectionState; native: NativeState; closeCalled: boolean }): void {
    const s = this.socket;
    const fail = (why: string) => {
      throw new Error(why);
    };
    if (this.violations.length > 0) fail(this.violations.join('; '));
    if (s.connectionState !== model.state) fail(`state ${s.connectionState}, the model says ${model.state}`);
    if (s.readyState !== readyStateOf(model.state)) fail(`readyState ${s.readyState} while ${model.state}`);
    // One native socket at a time: every discarded one is let go of completely.
    const live = FakeSocket.instances.filter((f, i) => f.liveHandlers > 0 && i < FakeSocket.instances.length - 1);
    if (live.length > 0) fail(`${live.length} discarded native socket(s) still have handlers`);
    const current = FakeSocket.instances.at(-1); // none yet while an async URL provider runs
    if ((current !== undefined && current.liveHandlers > 0) !== (model.native !== 'none')) fail(`the native socket is ${model.native === 'none' ? 'attached' : 'let go'}, the model says ${model.native}`);
    if (this.socketsAtClose !== undefined && FakeSocket.instances.length > this.socketsAtClose) fail('a native socket was created after close()');

    // Each numbered message: written at most once, in order, never both written and dropped.
    const written = this.written();
    let previous = -1;
    const seen = new Set<number>();
    for (const n of written) {
      if (seen.has(n)) fail(`m${n} was written twice`);
      seen.add(n);
      if (n < previous) fail(`m${n} was written after m${previous}: the queue reordered`);
      previous = n;
      if (this.dropped.has(n)) fail(`m${n} was both written and dropped`);
      if (this.refused.has(n)) fail(`m${n} was refused by send() yet written`);
    }
    for (const [n, times] of this.dropped) if (times > 1) fail(`m${n} was reported dropped ${times} times`);
    for (const n of this.refused) if (this.dropped.get(n) !== 1) fail(`send(m${n}) returned false without exactly one drop event`);
    let pending = 0;
    let pendingBytes = 0;
    for (const [n, { bytes }] of this.accepted) {
      if (seen.has(n) || this.dropped.has(n)) continue;
      pending++;
      pendingBytes += bytes;
    }

    // The counters agree with what happened.
    const stats = s.stats;
    const writes = FakeSocket.instances.reduce((total, f) => total + f.sent.filter((d) => d !== 'ping').length, 0);
    if (stats.messagesSent !== writes) fail(`stats.messagesSent ${stats.messagesSent}, ${writes} written`);
    if (stats.dropped !== this.drops) fail(`stats.dropped ${stats.dropped}, ${this.drops} drop events`);
    if (stats.messagesReceived !== this.received) fail(`stats.messagesReceived ${stats.messagesReceived}, ${this.received} message events`);
    // What waits is exactly the accepted messages not yet written or dropped, plus at most one entry per request.
    if (stats.queued < pending || stats.queued > pending + this.requests.length) fail(`stats.queued ${stats.queued}, ${pending} numbered messages pending`);
    if (this.requests.length === 0 ? stats.queuedBytes !== pendingBytes : stats.queuedBytes < pendingBytes) fail(`stats.queuedBytes ${stats.queuedBytes}, ${pendingBytes} bytes pending`);
    const q = this.config.queue;
    if (stats.queued > q.maxMessages || stats.queuedBytes > q.maxBytes) fail(`the queue holds ${stats.queued} messages, ${stats.queuedBytes} bytes: over its bounds`);
    const nativeBuffered = current ? current.bufferedAmount : 0;
    if (typeof nativeBuffered === 'number') {
      const expected = (model.native === 'none' ? 0 : nativeBuffered) + stats.queuedBytes;
      if (s.bufferedAmount !== expected) fail(`bufferedAmount ${s.bufferedAmount}, expected ${expected}`);
    }

    // Timers: none once closed; otherwise at most one per part (lifecycle, drain, expiry, heartbeat) and per request.
    const open = this.requests.filter((r) => !r.settled).length;
    if (model.state === 'closed' && this.clock.pending !== 0) fail(`${this.clock.pending} timer(s) pending while closed`);
    // Page lifecycle listeners: while the socket lives, and none once it is closed.
    const listening = this.lifecycle.count;
    if (listening !== (model.state === 'closed' ? 0 : 2)) fail(`${listening} lifecycle listener(s) while ${model.state}`);
    if (this.clock.pending > 4 + open) fail(`${this.clock.pending} timers pending with ${open} request(s) open`);
  }

  /** After time moved on by `ms` (timers fired): deadlines that passed have been acted on. */
  checkDeadlines(ms: number, state: ConnectionState): void {
    const now = this.clock.now();
    const late = this.requests.filter((r) => !r.settled && r.deadline <= now);
    if (late.length > 0) throw new Error(`${late.length} request(s) past their timeout still pending`);
    const maxAge = this.config.queue.maxAge;
    const written = new Set(this.written());
    for (const [n, { at }] of this.accepted) {
      if (at + maxAge <= now && !this.dropped.has(n) && !written.has(n)) throw new Error(`m${n} outlived queue.maxAge`);
    }
    // While open and the native buffer is at or below the high-water mark, nothing waits for long.
    const buffered = FakeSocket.instances.at(-1)?.bufferedAmount;
    if (state === 'open' && ms >= DRAIN_POLL_MS && typeof buffered === 'number' && buffered <= this.config.queue.highWaterMark && this.socket.stats.queued > 0) {
      throw new Error(`${this.socket.stats.queued} message(s) still queued while open with bufferedAmount ${buffered}`);
    }
  }

  /** The end of a sequence: close for good, let everything run out, then nothing may be left over. */
  async finish(): Promise<void> {
    this.close(undefined);
    const last = FakeSocket.instances.at(-1);
    if (last?.onclose) last.serverClose(1000);
    await flush();
    const open = this.requests.filter((r) => !r.settled).length;
    if (open > 0) throw new Error(`${open} request(s) still pending after the final close`);
    const probing = this.probes.filter((p) => !p.settled).length;
    if (probing > 0) throw new Error(`${probing} probe(s) still pending after the final close`);
    if (this.socket.readyState !== 3) throw new Error(`readyState ${this.socket.readyState} after close()`);
    this.clock.advance(120_000);
    if (this.clock.pending !== 0) throw new Error(`${this.clock.pending} timer(s) pending after close()`);
    const written = new Set(this.written());
    for (const n of this.accepted.keys()) {
      if (!written.has(n) && this.dropped.get(n) !== 1) throw new Error(`m${n} was accepted but neither written nor reported dropped`);
    }
  }

  /** How many numbered messages were handed over, and what became of them. */
  get tally(): { messages: number; written: number; dropped: number; requests: number } {
    return { messages: this.next, written: this.written().length, dropped: this.dropped.size, requests: this.requests.length };
  }

  private track(n: number, bytes: number, ok: boolean): void {
    if (this.nested) {
      (ok ? this.accepted.set(n, { at: this.clock.now(), bytes }) : this.refused.add(n));
      return; // its drop event, if any, comes after this listener: check() looks at the end of the step
    }
    if (ok) {
      this.accepted.set(n, { at: this.clock.now(), bytes });
      // A drop listener's own send may evict it before send() returns (loose runs): it was queued, as true says.
      if (!this.loose && this.dropped.has(n)) throw new Error(`send(m${n}) returned true but dropped it at once`);
    } else {
      this.refused.add(n);
      if (this.dropped.get(n) !== 1) throw new Error(`send(m${n}) returned false without exactly one drop event`);
    }
  }

  private written(): number[] {
    const out: number[] = [];
    for (const f of FakeSocket.instances) {
      for (const data of f.sent) {
        const n = numberOf(data);
        if (n !== undefined) out.push(n);
      }
    }
    return out;
  }
}

/** The number of a user message (`m12…`) or a channel message (`{"channel":"chat","data":"m12"}`). */
function numberOf(data: unknown): number | undefined {
  if (typeof data !== 'string') return undefined;
  const text = data.startsWith('{"channel":"chat"') ? (JSON.parse(data) as { data: string }).data : data;
  const match = NUMBERED.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Lets promise callbacks (request settlements) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}
