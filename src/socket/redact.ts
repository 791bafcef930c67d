/**
 * Secrets must not leave through errors (API.md §11): tokens ride in query strings, and
 * credentials in `user:password@`. Every message we build from a URL or from a native
 * error, every close reason made from one, and every `cause` we hand out goes through here.
 * (The `url` getter still shows the whole URL, as the native one does.)
 */

// scheme://  [user:pass@]  host/path  [?query][#fragment]
// (A quote may be part of a path, so only whitespace ends a URL: a closing quote after a
// query is redacted with it.)
const URL_IN_TEXT = /\b([a-z][a-z\d+.-]*:\/\/)([^\s/?#@]*@)?([^\s?#]*)([?#]\S*)?/gi;

/** `text` with every URL in it stripped of its credentials, query and fragment. */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (_, scheme: string, credentials: string | undefined, rest: string, query: string | undefined) =>
    `${scheme}${credentials ? '***@' : ''}${rest}${query ? '?***' : ''}`,
  );
}

/**
 * What may be handed out as a `cause`: an Error becomes a copy of it (same name) with its
 * message redacted; anything else that is not a plain string (a native error event, whose
 * socket holds the URL) is not handed out at all.
 */
export function safeCause(cause: unknown): Error | undefined {
  if (!(cause instanceof Error)) return undefined;
  const copy = new Error(redactUrls(cause.message));
  copy.name = cause.name;
  return copy;
}

/** An error's or a value's text, redacted. */
export function describeSafely(value: unknown): string {
  return redactUrls(value instanceof Error ? value.message : String(value));
}
