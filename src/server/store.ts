/**
 * Where a {@link SessionServer} keeps sessions between connections, by the hash of their
 * token (never the token itself). In memory by default; the protocol does not depend on it,
 * so a shared store (Redis and the like) can replace it — see docs/PROTOCOL.md, "Many nodes".
 */
export interface SessionStore<S> {
  /** The session under `key`, if it is kept. */
  get(key: string): S | undefined;
  /** Keeps `session` under `key`. */
  set(key: string, session: S): void;
  /** Forgets `key`. */
  delete(key: string): void;
  /** Sessions kept now. */
  readonly size: number;
}

/** The default store: a `Map` in this process. */
export class MemoryStore<S> implements SessionStore<S> {
  private readonly _map = new Map<string, S>();

  get(key: string): S | undefined {
    return this._map.get(key);
  }

  set(key: string, session: S): void {
    this._map.set(key, session);
  }

  delete(key: string): void {
    this._map.delete(key);
  }

  get size(): number {
    return this._map.size;
  }
}
