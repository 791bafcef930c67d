// A TCP proxy on 127.0.0.1 that stands where the network would: the demo's client talks to
// the server through it, and the demo switches what it does to the bytes of the connections
// open at the time (new connections always start in 'pass': the network heals).
//   'pass'       forwards everything
//   'blackhole'  keeps every connection open and silently discards every byte, both ways:
//                a half-open connection (a dead NAT entry, a pulled cable), no close ever fires
//   'slow'       forwards client → server at `bytesPerSecond`: a server that reads slowly,
//                so the client's send buffer fills up (backpressure)
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

export class FaultProxy {
  bytesPerSecond = 256 * 1024;
  #server;
  #pairs = new Set();

  constructor(targetPort) {
    this.targetPort = targetPort;
  }

  async start() {
    this.#server = createServer((client) => this.#accept(client)).listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.port = this.#server.address().port;
    return this;
  }

  /** Switches every open connection to `mode`. */
  set(mode) {
    for (const pair of this.#pairs) pair.mode = mode;
  }

  #accept(client) {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair = { client, upstream, mode: 'pass' };
    this.#pairs.add(pair);
    client.on('data', (chunk) => {
      if (pair.mode === 'blackhole') return;
      upstream.write(chunk);
      if (pair.mode !== 'slow') return;
      // Read no more until this chunk has "crossed the slow link": TCP flow control then
      // pushes back on the client, whose bufferedAmount grows.
      client.pause();
      setTimeout(() => client.resume(), (chunk.length / this.bytesPerSecond) * 1000);
    });
    upstream.on('data', (chunk) => pair.mode !== 'blackhole' && client.write(chunk));
    const end = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('close', end).on('error', end);
  }

  async stop() {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
