/**
 * Cursor pagination of the v3 list endpoints: `first=200`, then `after=<end_cursor>` until
 * `has_next_page` is false or `end_cursor` is null (SPEC §9). Everything else with a usable cursor
 * means "keep paging": a `has_next_page` that is missing, "true" or 1 once ended a 450-member list
 * after 281 with exit 0. What guards against a list that never ends or ends too early:
 * - a cursor seen twice is a loop and an error, never an endless read;
 * - a few empty pages in a row that each promise more are an error, not 100,000 requests;
 * - a list that ends before the `total` the API announced is an error, never a short list;
 * - a page without an `items` array is a malformed answer, never "no members".
 */
import type { ApiRequest, DevinClient, RequestCounter } from './client.js';
import { ResponseShapeError } from './errors.js';
import { isRecord } from '../json.js';

export const PAGE_SIZE = 200;
/** 200 × 100 000 members: far beyond any real enterprise, a guard against a server that never ends. */
const MAX_PAGES = 100_000;
/** Empty pages in a row, each saying more follow, after which the list is refused. */
export const MAX_EMPTY_PAGES = 5;

export interface Page {
  items: unknown[];
  /** `total` when the API sent one. */
  total: number | undefined;
  /** The cursor of the next page, undefined on the last one (a resumable place in the list). */
  next?: string;
}

/** Only an explicit "no" ends the list; "false" and 0 are read as the no they mean. */
function saysLastPage(hasNextPage: unknown): boolean {
  return hasNextPage === false || hasNextPage === 'false' || hasNextPage === 0;
}

export async function* paginate(
  client: Pick<DevinClient, 'getJson'>,
  request: ApiRequest,
  counter?: RequestCounter,
  pageSize: number = PAGE_SIZE,
  /** Start after this cursor (a place saved from `Page.next` of an earlier read). */
  startAfter?: string,
  /**
   * From the second page on, ask for the next page as soon as this one's cursor is known, before the
   * caller has handled it: the API prepares page n + 1 while the connector types and writes page n.
   * Not after the first: a caller that stops at once (a window whose first page shows the API ignored
   * its filter) makes no request it does not use; one that stops later leaves one unused.
   */
  { prefetch = false }: { prefetch?: boolean } = {},
): AsyncGenerator<Page> {
  const seen = new Set<string>();
  let after: string | undefined = startAfter;
  let itemsSeen = 0;
  let emptyInARow = 0;
  /** The latest `total` the API sent (some APIs send it on the first page only). */
  let announced: number | undefined;
  const fetchPage = (cursor: string | undefined): Promise<unknown> => {
    const query: Array<readonly [string, string | number]> = [...(request.query ?? []), ['first', pageSize]];
    if (cursor !== undefined) query.push(['after', cursor]);
    return client.getJson({ path: request.path, query }, counter);
  };
  let prefetched: Promise<unknown> | undefined;
  for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber += 1) {
    const body = await (prefetched ?? fetchPage(after));
    prefetched = undefined;
    if (!isRecord(body) || !Array.isArray(body.items)) {
      throw new ResponseShapeError(
        `GET ${request.path} returned a page without an "items" array (page ${pageNumber}); refusing to guess`,
      );
    }
    const total = typeof body.total === 'number' ? body.total : undefined;
    if (total !== undefined) announced = total;
    itemsSeen += body.items.length;
    const cursor = body.end_cursor;
    const noCursor = cursor === null || cursor === undefined;
    // An empty page that does not insist on more is the end, whatever its cursor says.
    const ended = saysLastPage(body.has_next_page) || (body.items.length === 0 && body.has_next_page !== true);
    const next = !noCursor && !ended && typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
    const page: Page = next === undefined ? { items: body.items, total } : { items: body.items, total, next };
    if (noCursor || ended) {
      yield page;
      // (A walk resumed after a saved cursor has not seen the items before it: the total says nothing then.)
      if (announced !== undefined && itemsSeen < announced && startAfter === undefined) {
        // Stopping would silently drop the rest, which the total shows exists.
        const why = noCursor && body.has_next_page === true ? 'said has_next_page but sent no end_cursor' : 'ended the list';
        throw new ResponseShapeError(
          `GET ${request.path} ${why} after ${itemsSeen} of ${announced} items; refusing to return a partial list`,
        );
      }
      return;
    }
    emptyInARow = body.items.length === 0 ? emptyInARow + 1 : 0;
    // Decided before the page is handed out, so that a prefetch is only sent for a page that will be
    // asked for; thrown after, so that the caller still gets the page's items.
    const refusal = continuationRefusal(request.path, cursor, seen, emptyInARow, pageNumber);
    if (refusal === undefined) {
      seen.add(cursor as string);
      after = cursor as string;
      if (prefetch && pageNumber > 1) {
        prefetched = fetchPage(after);
        // Settled even when the caller stops before asking for it (no unhandled rejection); the
        // error, if any, still reaches the caller that does.
        prefetched.catch(() => {});
        await dispatchTurns();
      }
    }
    yield page;
    if (refusal !== undefined) throw refusal;
  }
  throw new ResponseShapeError(`GET ${request.path} returned more than ${MAX_PAGES} pages; stopping`);
}

/** Why the list cannot go on after a page with this cursor, if it cannot. */
function continuationRefusal(path: string, cursor: unknown, seen: ReadonlySet<string>, emptyInARow: number, pageNumber: number): ResponseShapeError | undefined {
  if (typeof cursor !== 'string' || cursor === '') return new ResponseShapeError(`GET ${path} returned an unusable end_cursor (${typeof cursor})`);
  if (seen.has(cursor)) {
    return new ResponseShapeError(`GET ${path} returned the same cursor twice (page ${pageNumber}): the API is looping; stopping`);
  }
  if (emptyInARow >= MAX_EMPTY_PAGES) {
    return new ResponseShapeError(
      `GET ${path} returned ${emptyInARow} empty pages in a row that each said more would follow (page ${pageNumber}); stopping`,
    );
  }
  return undefined;
}

/**
 * Two turns of the event loop, so that a request just started is on the wire before the caller's
 * synchronous handling of the page (typing and writing 200 records) runs. The request reaches undici
 * a few awaits into getJson, and undici writes to a reused keep-alive socket only from a setImmediate
 * of its own (it first lets a pending FIN or RST arrive): queued after ours, it runs in the first
 * turn, and the second hands the page out.
 */
function dispatchTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
