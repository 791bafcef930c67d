type Handler = ((event: never) => void) | null;

/**
 * A scripted stand-in for the native WebSocket: the test drives every event and sets
 * `bufferedAmount` by hand. Instances are recorded in `FakeSocket.instances`.
 */
export class FakeSocket {
  static instances: FakeSocket[] = [];

  static reset(): void {
    FakeSocket.instances = [];
  }

  static get last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('no FakeSocket was constructed');
    return socket;
  }

  readyState = 0;
  bufferedAmount: number | undefined = 0;
  protocol = '';
  extensions = '';
  binaryType = 'blob';
  readonly sent: unknown[] = [];
  readonly closeCalls: { code?: number; reason?: string }[] = [];
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
    readonly options?: unknown,
  ) {
    FakeSocket.instances.push(this);
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error(`FakeSocket.send in readyState ${this.readyState}`);
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  /** How many of `onopen`, `onmessage`, `onclose` are set (a discarded socket must have none). */
  get liveHandlers(): number {
    return [this.onopen, this.onmessage, this.onclose].filter((h) => h !== null).length;
  }

  serverOpen(protocol = ''): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.fire('onopen', { type: 'open' });
  }

  serverMessage(data: unknown): void {
    this.fire('onmessage', { type: 'message', data });
  }

  serverClose(code = 1006, reason = '', wasClean = code !== 1006): void {
    this.readyState = 3;
    this.fire('onclose', { type: 'close', code, reason, wasClean });
  }

  /** A failed handshake or a broken connection: `error`, then `close` 1006. */
  fail(): void {
    this.fire('onerror', { type: 'error' });
    this.serverClose(1006, '', false);
  }

  private fire(name: 'onopen' | 'onmessage' | 'onclose' | 'onerror', event: object): void {
    const handler = this[name] as ((event: object) => void) | null;
    handler?.call(this, event); // as the DOM does: `this` is the socket
  }
}
