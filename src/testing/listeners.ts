import { reportListenerError } from '../socket/index';
import type { TestListener, TestSocketEvent, TestWebSocket, TestWebSocketEventMap } from './types';

type AnyEvent = TestWebSocketEventMap[keyof TestWebSocketEventMap];
type AnyListener = TestListener<never>;

interface Entry {
  listener: AnyListener;
  once: boolean;
  /** The `onX` property's entry: it keeps its place when the property is set again. */
  handler: boolean;
}

/**
 * The listeners of one socket, with the DOM's rules: a listener once per type, `once`,
 * `handleEvent` objects, `onX` properties in the order they were first set, and a
 * listener's exception reported without stopping the others.
 */
export class Listeners {
  private readonly _byType = new Map<string, Entry[]>();

  add(type: string, listener: AnyListener | null | undefined, options?: boolean | { once?: boolean }): void {
    if (listener === null || listener === undefined) return;
    const entries = this._entries(type);
    if (entries.some((entry) => !entry.handler && entry.listener === listener)) return;
    entries.push({ listener, once: typeof options === 'object' && options?.once === true, handler: false });
  }

  remove(type: string, listener: AnyListener | null | undefined): void {
    const entries = this._byType.get(type);
    const index = entries?.findIndex((entry) => !entry.handler && entry.listener === listener) ?? -1;
    if (index !== -1) entries!.splice(index, 1);
  }

  handler(type: string): AnyListener | null {
    return this._byType.get(type)?.find((entry) => entry.handler)?.listener ?? null;
  }

  setHandler(type: string, listener: unknown): void {
    const entries = this._entries(type);
    const index = entries.findIndex((entry) => entry.handler);
    // As the DOM: a non-function handler value is null.
    if (typeof listener !== 'function') {
      if (index !== -1) entries.splice(index, 1);
    } else if (index !== -1) entries[index]!.listener = listener as AnyListener;
    else entries.push({ listener: listener as AnyListener, once: false, handler: true });
  }

  dispatch(target: TestWebSocket, event: AnyEvent): void {
    const entries = this._byType.get(event.type);
    if (!entries) return;
    for (const entry of [...entries]) {
      // Removed by an earlier listener of this same event: skipped, as in the DOM.
      if (!entries.includes(entry)) continue;
      if (entry.once) entries.splice(entries.indexOf(entry), 1);
      const listener = entry.listener as TestListener<AnyEvent>;
      try {
        if (typeof listener === 'function') listener.call(target, event);
        else listener.handleEvent(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  private _entries(type: string): Entry[] {
    let entries = this._byType.get(type);
    if (!entries) this._byType.set(type, (entries = []));
    return entries;
  }
}

/** An event object for `target`, with `fields`. */
export function socketEvent<K extends keyof TestWebSocketEventMap>(
  type: K,
  target: TestWebSocket,
  fields: Omit<TestWebSocketEventMap[K], keyof TestSocketEvent>,
): TestWebSocketEventMap[K] {
  return { type, target, currentTarget: target, ...fields } as TestWebSocketEventMap[K];
}
