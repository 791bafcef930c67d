import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Link } from './fault-link';

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
    this.links.add(new Link(client, upstream, fault, this.stats, (link) => this.links.delete(link)));
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
