import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to the bytes and the lifetime of its connections (after toxiproxy's
 * toxics). A string for the faults without parameters.
 * - `'pass'`: forwards everything at once.
 * - `latency`: delays every chunk by `ms` ± `jitter` (uniform), keeping the byte order.
 * - `'blackhole'`: the connection stays open but every byte, and every close, in either
 *   direction is silently discarded: a half-open connection (a dead NAT entry, a pulled
 *   cable). A new connection in this mode is accepted and never answered.
 * - `'reset'`: resets (TCP RST) both sides at once; a new connection is reset on arrival.
 * - `slow-close`: data passes, but a close (FIN or reset) from one side reaches the other
 *   `ms` later.
 * - `'down'`: the listening socket is closed: new connections are refused (ECONNREFUSED).
 *   Connections already open carry on as they were.
 * - `bandwidth`: each direction carries at most `bytesPerSecond`; the sender is paused
 *   while the proxy holds more than it can pass on, so backpressure reaches the sender.
 */
export type Fault =
  | 'pass'
  | 'blackhole'
  | 'reset'
  | 'down'
  | { readonly mode: 'latency'; readonly ms: number; readonly jitter?: number }
  | { readonly mode: 'slow-close'; readonly ms: number }
  | { readonly mode: 'bandwidth'; readonly bytesPerSecond: number };

export type FaultMode = Extract<Fault, string> | Exclude<Fault, string>['mode'];

/**
 * Which connections a fault applies to: every connection open now and every one made
 * later (`'all'`), only those open now (`'current'`: later ones get the proxy's mode for
 * new connections, unchanged), or only later ones (`'new'`).
 */
export type FaultScope = 'all' | 'current' | 'new';

/** What the proxy has done so far. */
export interface ProxyStats {
  /** Connections accepted. */
  connections: number;
  /** Faults switched on (every `set` with a mode other than `'pass'`). */
  faults: number;
  /** Connections reset (TCP RST on both sides). */
  resets: number;
  /** Bytes forwarded client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
  /** Bytes discarded by `'blackhole'`. */
  bytesDiscarded: number;
}

/** Most bytes a direction holds (latency, bandwidth) before the sending side is paused. */
const HOLD_LIMIT = 256 * 1024;

interface Item {
  /** A chunk of bytes, or `null`: the end (FIN) of the direction. */
  readonly chunk: Buffer | null;
  readonly due: number;
}

/** One direction of one connection: bytes from `from`, in order, to `to`. */
class Pipe {
  private readonly items: Item[] = [];
  private held = 0;
  /** When the last queued item is due: nothing may overtake it. */
  private lastDue = 0;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly link: Link,
    private readonly count: (bytes: number) => void,
  ) {
    from.on('data', (chunk: Buffer) => this.data(chunk));
    from.on('end', () => this.finish());
    to.on('drain', () => this.resume());
  }

  /** Bytes and the end marker waiting. */
  get pending(): number {
    return this.items.length;
  }

  /** Forgets what waits (a blackhole swallows what is in flight, too). */
  discard(): number {
    const bytes = this.held;
    this.items.length = 0;
    this.held = 0;
    this.resume();
    return bytes;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private data(chunk: Buffer): void {
    const fault = this.link.fault;
    if (fault === 'blackhole') {
      this.link.discarded(chunk.length);
      return;
    }
    const now = Date.now();
    if (typeof fault === 'object' && fault.mode === 'bandwidth') {
      // Slices of 1/50 s, so a large chunk trickles out instead of arriving all at once late.
      const slice = Math.max(1, Math.floor(fault.bytesPerSecond / 50));
      for (let at = 0; at < chunk.length; at += slice) {
        const part = chunk.subarray(at, at + slice);
        this.lastDue = Math.max(now, this.lastDue) + (part.length * 1000) / fault.bytesPerSecond;
        this.enqueue(part, this.lastDue);
      }
    } else if (typeof fault === 'object' && fault.mode === 'latency') {
      const jitter = fault.jitter ?? 0;
      const delay = Math.max(0, fault.ms + (Math.random() * 2 - 1) * jitter);
      this.lastDue = Math.max(now + delay, this.lastDue);
      this.enqueue(chunk, this.lastDue);
    } else {
      this.enqueue(chunk, Math.max(now, this.lastDue));
    }
    this.pump();
  }

  private finish(): void {
    const fault = this.link.fault;
    if (fault === 'blackhole') return; // a FIN into a blackhole is lost like any byte
    const delay = typeof fault === 'object' && fault.mode === 'slow-close' ? fault.ms : 0;
    this.lastDue = Math.max(Date.now() + delay, this.lastDue);
    this.items.push({ chunk: null, due: this.lastDue });
    this.pump();
  }

  private enqueue(chunk: Buffer, due: number): void {
    this.items.push({ chunk, due });
    this.held += chunk.length;
    if (this.held > HOLD_LIMIT && !this.paused) {
      this.paused = true;
      this.from.pause();
    }
  }

  private pump(): void {
    this.stop();
    const now = Date.now();
    while (this.items.length > 0 && this.items[0]!.due <= now) {
      const { chunk } = this.items.shift()!;
      if (chunk === null) {
        if (!this.to.destroyed) this.to.end();
        continue;
      }
      this.held -= chunk.length;
      if (this.to.destroyed || this.to.writableEnded) continue;
      this.count(chunk.length);
      if (!this.to.write(chunk) && !this.paused) {
        this.paused = true;
        this.from.pause();
      }
    }
    if (this.items.length > 0) this.timer = setTimeout(() => this.pump(), Math.max(0, this.items[0]!.due - now));
    if (this.held <= HOLD_LIMIT / 2 && !this.to.writableNeedDrain) this.resume();
  }

  private resume(): void {
    if (!this.paused || this.held > HOLD_LIMIT / 2) return;
    this.paused = false;
    if (!this.from.destroyed) this.from.resume();
  }
}

/** A client connection and its upstream connection, both directions, and the fault on them. */
class Link {
  readonly up: Pipe;
  readonly down: Pipe;
  private closing: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    public fault: Exclude<Fault, 'down'>,
    private readonly proxy: FaultProxy,
    private readonly stats: ProxyStats,
  ) {
    this.up = new Pipe(client, upstream, this, (n) => (stats.bytesUp += n));
    this.down = new Pipe(upstream, client, this, (n) => (stats.bytesDown += n));
    // An abrupt end of one side (an error, a reset, a destroy) ends the other; a clean FIN
    // travels through the pipes, behind the data.
    for (const [side, other] of [[client, upstream], [upstream, client]] as const) {
      side.on('error', () => this.abort());
      side.on('close', () => this.closed(side, other));
    }
  }

  apply(fault: Exclude<Fault, 'down'>): void {
    this.fault = fault;
    if (fault === 'blackhole') this.stats.bytesDiscarded += this.up.discard() + this.down.discard();
    else if (fault === 'reset') this.reset();
  }

  discarded(bytes: number): void {
    this.stats.bytesDiscarded += bytes;
  }

  /** TCP RST on both sides. */
  reset(): void {
    if (this.ended) return;
    this.stats.resets++;
    this.end((socket) => socket.resetAndDestroy());
  }

  /** Everything released at once (the proxy stops). */
  destroy(): void {
    this.end((socket) => socket.destroy());
  }

  private closed(side: Socket, other: Socket): void {
    if (side.destroyed && other.destroyed) {
      this.end(() => {});
      return;
    }
    // Ended cleanly both ways: the other side's FIN is on its way through a pipe.
    if (this.ended || (side.readableEnded && side.writableFinished)) return;
    this.abort();
  }

  private abort(): void {
    if (this.ended || this.fault === 'blackhole') return; // a blackhole hides the close too
    const fault = this.fault;
    const delay = typeof fault === 'object' && fault.mode === 'slow-close' ? fault.ms : 0;
    if (delay === 0) this.end((socket) => socket.destroy());
    else this.closing ??= setTimeout(() => this.end((socket) => socket.destroy()), delay);
  }

  private end(how: (socket: Socket) => void): void {
    this.ended = true;
    clearTimeout(this.closing);
    this.up.stop();
    this.down.stop();
    for (const socket of [this.client, this.upstream]) if (!socket.destroyed) how(socket);
    this.proxy.forget(this);
  }
}

/**
 * A TCP proxy on 127.0.0.1 between a client and a server, whose fault can be switched at
 * runtime (see {@link Fault}), for current connections, new ones, or both.
 *
 * @example
 * const proxy = await new FaultProxy(server.port).start();
 * const socket = new SteadySocket(proxy.url, { WebSocket });
 * await proxy.set({ mode: 'latency', ms: 50, jitter: 20 });
 * await proxy.set('blackhole', 'current'); // the open connection goes half-open
 */
export class FaultProxy {
  port = 0;
  readonly stats: ProxyStats = { connections: 0, faults: 0, resets: 0, bytesUp: 0, bytesDown: 0, bytesDiscarded: 0 };
  /** The fault new connections get. */
  private newFault: Fault = 'pass';
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private stopped = false;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Connections made so far. */
  get connections(): number {
    return this.stats.connections;
  }

  /** Connections open now. */
  get open(): number {
    return this.links.size;
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  /**
   * Switches to `fault`. Resolves once it is in force (`'down'` and leaving it wait for the
   * listening socket to close or open again).
   */
  async set(fault: Fault, scope: FaultScope = 'all'): Promise<void> {
    if (fault !== 'pass') this.stats.faults++;
    if (scope !== 'new' && fault !== 'down') for (const link of [...this.links]) link.apply(fault);
    if (scope === 'current') return;
    const wasDown = this.newFault === 'down';
    this.newFault = fault;
    if (fault === 'down' && !wasDown) await this.unlisten(false);
    else if (fault !== 'down' && wasDown) await this.listen();
  }

  /** Resets every open connection once (new connections are not affected). */
  reset(): void {
    this.stats.faults++;
    for (const link of [...this.links]) link.reset();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const link of [...this.links]) link.destroy();
    this.links.clear();
    await this.unlisten(true);
  }

  /** @internal A link ended. */
  forget(link: Link): void {
    this.links.delete(link);
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const fault = this.newFault;
    if (this.stopped || fault === 'down') {
      client.destroy();
      return;
    }
    client.on('error', () => {});
    if (fault === 'reset') {
      this.stats.resets++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ port: this.targetPort, host: '127.0.0.1', allowHalfOpen: true });
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    this.links.add(new Link(client, upstream, fault, this, this.stats));
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting at once; with `drained`, also waits until the connections it made are gone. */
  private async unlisten(drained: boolean): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // close()'s callback waits for every connection the server accepted; while 'down', the
    // open ones live on in their links, so only the next turn is awaited.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await (drained ? closed : new Promise<void>((resolve) => setImmediate(resolve)));
  }
}
