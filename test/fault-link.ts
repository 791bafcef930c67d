/**
 * One proxied connection of the fault proxy (test/fault-proxy.ts): the client socket, its
 * upstream socket, a pipe each way that applies the fault to the bytes, and the way a close
 * travels (or does not) from one side to the other.
 */
import type { Socket } from 'node:net';
import type { Fault, ProxyStats } from './fault-proxy';

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
export class Link {
  readonly up: Pipe;
  readonly down: Pipe;
  private closing: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    public fault: Exclude<Fault, 'down'>,
    private readonly stats: ProxyStats,
    /** Told once the link has ended, whichever way. */
    private readonly onEnd: (link: Link) => void,
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
    this.onEnd(this);
  }
}
