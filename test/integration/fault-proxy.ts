import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** What the proxy does to the bytes of its current connections. */
export type FaultMode = 'pass' | 'blackhole';

/**
 * A TCP proxy on 127.0.0.1 between a client and a server. In `'blackhole'` mode the
 * connections stay open but every byte in either direction is silently discarded: a
 * half-open connection, as a dead NAT entry or a pulled cable produces, where no `close`
 * ever fires. New connections always start in `'pass'` mode.
 */
export class FaultProxy {
  port = 0;
  private server: Server | undefined;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; mode: FaultMode }>();

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/`;
  }

  /** Connections made so far. */
  connections = 0;

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.connections++;
      const upstream = connect(this.targetPort, '127.0.0.1');
      const pair = { client, upstream, mode: 'pass' as FaultMode };
      this.pairs.add(pair);
      client.on('data', (chunk) => pair.mode === 'pass' && upstream.write(chunk));
      upstream.on('data', (chunk) => pair.mode === 'pass' && client.write(chunk));
      const end = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    }).listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Switches every current connection to `mode`. */
  set(mode: FaultMode): void {
    for (const pair of this.pairs) pair.mode = mode;
  }

  async stop(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
