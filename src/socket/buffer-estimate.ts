import type { Clock } from './clock';

/**
 * Bytes in the native send buffer where the runtime does not say (React Native's
 * `bufferedAmount` is undefined): what we wrote, assumed to drain at `bytesPerSecond`.
 * An estimate, but a bounded one — without it a fast producer would write without limit
 * (Android's OkHttp closes the socket once 16 MiB are waiting).
 */
export class BufferEstimate {
  private _bytes = 0;
  private _at = 0;

  constructor(
    private readonly clock: Clock,
    private readonly bytesPerSecond: number,
  ) {}

  /** Estimated bytes still waiting now. */
  current(): number {
    if (this._bytes === 0) return 0;
    return Math.max(0, this._bytes - ((this.clock.now() - this._at) * this.bytesPerSecond) / 1000);
  }

  /** `n` more bytes were written. */
  add(n: number): void {
    this._bytes = this.current() + n;
    this._at = this.clock.now();
  }

  /** A new connection starts empty. */
  reset(): void {
    this._bytes = 0;
  }
}
