/**
 * Cursor pagination of the v3 list endpoints: `first=200`, then `after=<end_cursor>` until
 * `has_next_page` is false or `end_cursor` is null. A cursor seen twice is a loop and an error,
 * never an endless read; a page without an `items` array is a malformed answer, never "no members";
 * `has_next_page: true` with a null cursor ends the list, unless `total` shows items are missing.
 */
import type { ApiRequest, DevinClient, RequestCounter } from './client.js';
import { ResponseShapeError } from './errors.js';

export const PAGE_SIZE = 200;
/** 200 × 100 000 members: far beyond any real enterprise, a guard against a server that never ends. */
const MAX_PAGES = 100_000;

export interface Page {
  items: unknown[];
  /** `total` when the API sent one. */
  total: number | undefined;
  /** The cursor of the next page, undefined on the last one (a resumable place in the list). */
  next?: string;
}

export async function* paginate(
  client: Pick<DevinClient, 'getJson'>,
  request: ApiRequest,
  counter?: RequestCounter,
  pageSize: number = PAGE_SIZE,
  /** Start after this cursor (a place saved from `Page.next` of an earlier read). */
  startAfter?: string,
): AsyncGenerator<Page> {
  const seen = new Set<string>();
  let after: string | undefined = startAfter;
  let itemsSeen = 0;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber += 1) {
    const query: Array<readonly [string, string | number]> = [...(request.query ?? []), ['first', pageSize]];
    if (after !== undefined) query.push(['after', after]);
    const body = await client.getJson({ path: request.path, query }, counter);
    if (!isObject(body) || !Array.isArray(body.items)) {
      throw new ResponseShapeError(
        `GET ${request.path} returned a page without an "items" array (page ${pageNumber}); refusing to guess`,
      );
    }
    const total = typeof body.total === 'number' ? body.total : undefined;
    itemsSeen += body.items.length;
    const cursor = body.end_cursor;
    const next = body.has_next_page === true && typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
    yield next === undefined ? { items: body.items, total } : { items: body.items, total, next };
    if (body.has_next_page === true && (cursor === null || cursor === undefined) && total !== undefined && itemsSeen < total) {
      // "More pages" without a way to ask for them: stopping (as the API contract says) would
      // silently drop the rest, which the total shows exists.
      throw new ResponseShapeError(
        `GET ${request.path} said has_next_page but sent no end_cursor after ${itemsSeen} of ${total} items; ` +
          'refusing to return a partial list',
      );
    }
    if (body.has_next_page !== true || cursor === null || cursor === undefined) return;
    if (typeof cursor !== 'string' || cursor === '') {
      throw new ResponseShapeError(`GET ${request.path} returned an unusable end_cursor (${typeof cursor})`);
    }
    if (seen.has(cursor)) {
      throw new ResponseShapeError(
        `GET ${request.path} returned the same cursor twice (page ${pageNumber}): the API is looping; stopping`,
      );
    }
    seen.add(cursor);
    after = cursor;
  }
  throw new ResponseShapeError(`GET ${request.path} returned more than ${MAX_PAGES} pages; stopping`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
