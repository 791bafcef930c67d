import { SteadySocketError } from './errors';
import { SocketEventTarget } from './event-target';
import { SteadyEventObject, type SteadyEventTarget, type SteadySocketEventMap } from './events';
import type { Logger, ResolvedOptions } from './options';

/**
 * How a socket tells what happens: event objects, the logger, and the once-per-socket
 * console warning for a drop or error nobody listens to. The base of {@link SocketCore}.
 */
export abstract class SocketReporter extends SocketEventTarget {
  protected abstract readonly _options: ResolvedOptions;
  /** Events already warned about on the console, made on the first warning. */
  private _warned: Set<string> | undefined;

  /**
   * Tells the logger; with none, warns once per socket on the console about `event` when
   * nothing listens to it (a drop or an error must not pass unseen).
   */
  protected _log(level: keyof Logger, event: 'drop' | 'error' | undefined, message: string): void {
    const { logger } = this._options;
    if (logger) logger[level]?.(`steadysocket: ${message}`);
    else if (event && this.listenerCount(event) === 0 && !(this._warned ??= new Set()).has(event)) {
      this._warned.add(event);
      globalThis.console?.warn(`steadysocket: ${message}. Nothing listens to '${event}' events (said once per socket).`);
    }
  }

  /**
   * Builds the event `type` with `fields`, targeted at this socket, and posts it (delivered
   * when the operation ends; with `epoch`, only if no later change made it stale). Returns it.
   */
  protected _fire<K extends keyof SteadySocketEventMap>(type: K, fields: object, epoch?: number): SteadySocketEventMap[K] {
    const event = Object.assign(new SteadyEventObject(type, this as unknown as SteadyEventTarget, this._options.clock.now()), fields) as unknown as SteadySocketEventMap[K];
    this._post(type, event, epoch);
    return event;
  }

  /** Logs `error` and posts it as an `error` event. */
  protected _fail(error: SteadySocketError): void {
    this._log('error', 'error', `${error.code}: ${error.message}`);
    this._fire('error', { error, message: error.message });
  }
}
