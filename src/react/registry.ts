import { useEffect, useReducer, useSyncExternalStore } from 'react';
import { systemClock, type Clock, type TimerHandle } from '../socket/index';

/**
 * Ms a thing made during a render is kept when no effect takes it: the render was thrown
 * away (a transition or Suspense abandoned it), and React says nothing about that. Long
 * enough for a slow render to reach its commit, as mobx-react-lite's 10 s is for reactions.
 */
export const ORPHAN_MS = 5_000;

/**
 * One shared thing, by key, and the components that hold it. Its internal fields are named
 * `_x`, so that the build shortens them (see rollup.config.js).
 */
export interface Lease<T> {
  readonly value: T;
  readonly _key: string;
  /** Mounted components that hold it: effects that ran and were not cleaned up. */
  _users: number;
  /** The pending let-go, if any. */
  _timer: TimerHandle | undefined;
  /** Let go: its value was ended, and its key may name a new one. */
  _gone: boolean;
}

/**
 * Things shared by key between components, ref-counted by their effects. Render looks a key
 * up (making the thing if there is none); an effect acquires the lease, its cleanup releases
 * it. The last release lets the thing go after the current task, not at once: StrictMode
 * (and a component that moves in the tree) cleans up and acquires again in the same task,
 * and the thing then lives on untouched. A lease no effect ever acquires goes after
 * {@link ORPHAN_MS}.
 */
export class Registry<T> {
  private readonly _leases = new Map<string, Lease<T>>();

  /**
   * @param _end Ends a thing let go of (closes a socket, disposes a client).
   * @param _clock Where the let-go timers run.
   */
  constructor(
    private readonly _end: (value: T) => void,
    private readonly _clock: Clock = systemClock,
  ) {}

  /** The lease of `key`, made with `make` when there is none. Render-safe: takes nothing. */
  lookup(key: string, make: () => T): Lease<T> {
    let lease = this._leases.get(key);
    if (!lease) {
      lease = { _key: key, value: make(), _users: 0, _timer: undefined, _gone: false };
      this._leases.set(key, lease);
      this._letGo(lease, ORPHAN_MS);
    }
    return lease;
  }

  /** One more user; `false` when the lease was let go already (render again to look it up). */
  acquire(lease: Lease<T>): boolean {
    if (lease._gone) return false;
    if (lease._timer !== undefined) this._clock.clearTimeout(lease._timer);
    lease._timer = undefined;
    lease._users++;
    return true;
  }

  /** One user fewer; after the last, the thing goes after the current task unless acquired again. */
  release(lease: Lease<T>): void {
    if (--lease._users === 0) this._letGo(lease, 0);
  }

  /** Whether a mounted component holds `lease`. */
  held(lease: Lease<T>): boolean {
    return lease._users > 0;
  }

  private _letGo(lease: Lease<T>, ms: number): void {
    lease._timer = this._clock.setTimeout(() => {
      lease._timer = undefined;
      if (lease._users > 0) return;
      lease._gone = true;
      if (this._leases.get(lease._key) === lease) this._leases.delete(lease._key);
      this._end(lease.value);
    }, ms);
  }
}

/**
 * Holds `lease` (if any) while the component is mounted with it. If it was let go before the commit
 * (a render older than {@link ORPHAN_MS}), renders again to look up a live one.
 */
export function useLease<T>(registry: Registry<T>, lease: Lease<T> | undefined): void {
  const [, rerender] = useReducer(bump, 0);
  useEffect(() => {
    if (!lease) return;
    if (!registry.acquire(lease)) return rerender();
    return () => registry.release(lease);
  }, [registry, lease]);
}

export const bump = (n: number): number => n + 1;

const noSubscribe = () => () => {};
const onClient = () => false;
const onServer = () => true;

/**
 * Whether this render is on the server (or hydrating what the server rendered): effects will
 * not run for it, so nothing may be registered or connected.
 */
export function useServerRender(): boolean {
  return useSyncExternalStore(noSubscribe, onClient, onServer);
}
