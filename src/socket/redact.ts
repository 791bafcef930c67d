/**
 * Secrets must not leave through errors (API.md §11): tokens ride in query strings, and
 * credentials in `user:password@`. Every message we build from a URL or from a native
 * error, every close reason made from one, and every `cause` we hand out goes through here.
 * (The `url` getter still shows the whole URL, as the native one does.)
 */

// The credentials of a URL with a scheme (`ws://user:pass@`, even with no host after them);
// then a query or fragment glued to a word (`wss://h/feed?token=…`, `/feed?token=…`,
// `host:8080/a#…`); then anything glued before an `@` (`user:pass@host`). Only whitespace
// ends a URL, as a quote may be part of a path (a closing quote after a query is redacted
// with it). Each pass leaves what the ones before wrote as it is. (No lookbehind: Safari
// before 16.4 cannot parse one.)
/** `text` with every URL in it stripped of its credentials, query and fragment. */
export const redactUrls = (text: string): string =>
  text
    .replace(/:\/\/[^\s/?#@]*@/g, '://***@')
    .replace(/(\S)[?#]\S+/g, '$1?***')
    .replace(/[^\s/?#@]+@(?=[^\s@])/g, '***@');

/**
 * What may be handed out as a `cause`: an Error becomes a copy of it (same name) with its
 * message redacted; anything else that is not a plain string (a native error event, whose
 * socket holds the URL) is not handed out at all.
 */
export const safeCause = (cause: unknown): Error | undefined =>
  cause instanceof Error ? Object.assign(new Error(redactUrls(cause.message)), { name: cause.name }) : undefined;

/** An error's or a value's text, redacted. */
export const describeSafely = (value: unknown): string => redactUrls(value instanceof Error ? value.message : String(value));
