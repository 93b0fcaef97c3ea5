/**
 * Splits a raw request target into decoded path segments and query values.
 *
 * The raw path is split on '/' *before* decoding, and each segment is decoded on its own, so an
 * encoded user id such as `samlp%7Cacme%2Fjdoe` stays one segment while a raw '/' splits it. No
 * dot-segment normalisation is done (a `..` segment is just a segment that matches no route).
 */

export interface RequestTarget {
  pathSegments: string[];
  /** Decoded segments joined with '/', e.g. '/v3/enterprise/members/users'. */
  path: string;
  query: Record<string, string[]>;
  /** False when a segment has broken percent-encoding. */
  decodable: boolean;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseRequestTarget(rawUrl: string): RequestTarget {
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);

  const rawSegments = rawPath.split('/').slice(1);
  let decodable = true;
  const pathSegments = rawSegments.map((segment) => {
    const decoded = decodeSegment(segment);
    if (decoded === undefined) decodable = false;
    return decoded ?? segment;
  });

  // A Map first: a parameter named `__proto__` must become data, not a prototype.
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const list = values.get(name);
    if (list === undefined) values.set(name, [value]);
    else list.push(value);
  }
  return { pathSegments, path: `/${pathSegments.join('/')}`, query: Object.fromEntries(values), decodable };
}
