/** A `window` with only what the socket's lifecycle watcher uses. */
export class FakeLifecycle {
  private readonly listeners = new Map<string, Set<() => void>>();

  get count(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  dispatch(type: 'online' | 'pageshow'): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
}
