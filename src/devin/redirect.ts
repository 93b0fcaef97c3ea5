/** Following a 3xx: same origin only, so the Authorization header never goes to another host. */
import { ConnectorError, ResponseShapeError } from './errors.js';
import type { Target } from './attempt.js';
import type { Redactor } from './redactor.js';

export const MAX_REDIRECTS = 5;

/** Where a redirect from `from` leads; `clean` makes server text fit for a message. */
export function followRedirect(
  from: Target,
  location: string | string[] | undefined,
  status: number,
  redactor: Redactor,
  clean: (text: string) => string,
): Target {
  const { shown } = from;
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) throw new ResponseShapeError(`HTTP ${status} without a Location header on GET ${shown}`);
  let next: URL;
  try {
    next = new URL(value, `${from.origin}${from.path}`);
  } catch {
    throw new ResponseShapeError(`HTTP ${status} on GET ${shown} with an unusable Location header`);
  }
  if (next.origin !== from.origin) {
    // Never carry the Authorization header to another host; the user should point api_url there.
    // The host is the server's choice (lower-cased by URL parsing) and may hold the key.
    throw new ConnectorError(
      `the API redirected GET ${shown} to another host (${clean(next.host)}); the API key is not sent there. ` +
        'If that is your Devin API, set api_url to it',
      'config_error',
    );
  }
  // After a redirect the path is the server's, and may carry the key (percent-encoded, say).
  return { origin: next.origin, path: `${next.pathname}${next.search}`, shown: redactor.redact(next.pathname) };
}
