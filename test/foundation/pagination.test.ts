/**
 * The stopping rule of cursor pagination (SPEC §9, issue 10 point 4), over a scripted client: only
 * `has_next_page` false (or "false"/0) or a null cursor ends a list; a list that ends before its
 * `total` is an error; empty pages that keep promising more are refused after MAX_EMPTY_PAGES; a
 * repeated cursor is still a loop. Each case asserts the exact requests made.
 */
import { describe, expect, it } from 'vitest';
import { ResponseShapeError } from '../../src/devin/errors.js';
import { MAX_EMPTY_PAGES, paginate } from '../../src/devin/pagination.js';
import type { ApiRequest } from '../../src/devin/client.js';

const LIST = '/v3/enterprise/members/users';

type PageBody = Record<string, unknown>;

/** A client answering each `after` (undefined = first page) from `pages`; records every `after` asked. */
function scripted(answer: (after: string | undefined, call: number) => PageBody): { client: { getJson(req: ApiRequest): Promise<unknown> }; asked: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  return {
    asked,
    client: {
      async getJson(req: ApiRequest): Promise<unknown> {
        const after = req.query?.find(([name]) => name === 'after')?.[1];
        asked.push(after === undefined ? undefined : String(after));
        return answer(after === undefined ? undefined : String(after), asked.length);
      },
    },
  };
}

async function collect(client: { getJson(req: ApiRequest): Promise<unknown> }): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginate(client, { path: LIST })) for (const item of page.items) ids.push(String((item as { id: string }).id));
  return ids;
}

const items = (...ids: string[]): Array<{ id: string }> => ids.map((id) => ({ id }));

/** Three pages a, b, c with cursors c1, c2; `hasNext` is what pages 1–2 say; page 3 says `last`. */
function threePages(hasNext: unknown, last: unknown, total?: number): (after: string | undefined) => PageBody {
  const withTotal = total === undefined ? {} : { total };
  return (after) => {
    if (after === undefined) return { items: items('a'), end_cursor: 'c1', has_next_page: hasNext, ...withTotal };
    if (after === 'c1') return { items: items('b'), end_cursor: 'c2', has_next_page: hasNext, ...withTotal };
    return { items: items('c'), end_cursor: null, has_next_page: last, ...withTotal };
  };
}

function withoutHasNext(body: PageBody): PageBody {
  const { has_next_page: _dropped, ...rest } = body;
  return rest;
}

describe('only an explicit end stops the list', () => {
  it.each([
    ['"true"', 'true', 'false'],
    ['1', 1, 0],
    ['null', null, null],
    ['an object', {}, false],
  ])('has_next_page %s with a cursor: every page is read', async (_name, hasNext, last) => {
    const { client, asked } = scripted(threePages(hasNext, last, 3));
    expect(await collect(client)).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 'c1', 'c2']);
  });

  it('has_next_page missing with a cursor: every page is read', async () => {
    const pages = threePages(true, false, 3);
    const { client, asked } = scripted((after) => withoutHasNext(pages(after)));
    expect(await collect(client)).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual([undefined, 'c1', 'c2']);
  });

  it.each([
    ['false', false],
    ['"false"', 'false'],
    ['0', 0],
  ])('has_next_page %s ends the list even with a cursor', async (_name, hasNext) => {
    const { client, asked } = scripted(() => ({ items: items('a'), end_cursor: 'c1', has_next_page: hasNext }));
    expect(await collect(client)).toEqual(['a']);
    expect(asked).toEqual([undefined]);
  });

  it('an empty page that does not insist on more ends the list, whatever its cursor', async () => {
    const { client, asked } = scripted((after) =>
      after === undefined ? { items: items('a'), end_cursor: 'c1' } : { items: [], end_cursor: 'c2' },
    );
    expect(await collect(client)).toEqual(['a']);
    expect(asked).toEqual([undefined, 'c1']);
  });
});

describe('a list shorter than its total is refused', () => {
  it('has_next_page false after 2 of 3 items: an error, not a short list', async () => {
    const { client } = scripted((after) =>
      after === undefined
        ? { items: items('a'), end_cursor: 'c1', has_next_page: true, total: 3 }
        : { items: items('b'), end_cursor: null, has_next_page: false, total: 3 },
    );
    const error = await collect(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toBe(`GET ${LIST} ended the list after 2 of 3 items; refusing to return a partial list`);
  });

  it('the total of an earlier page counts when later pages omit it', async () => {
    const { client } = scripted((after) =>
      after === undefined ? { items: items('a'), end_cursor: 'c1', has_next_page: true, total: 5 } : { items: items('b'), end_cursor: null },
    );
    await expect(collect(client)).rejects.toThrow('after 2 of 5 items');
  });

  it('has_next_page true with a null cursor short of the total keeps its own message', async () => {
    const { client } = scripted(() => ({ items: items('a'), end_cursor: null, has_next_page: true, total: 4 }));
    await expect(collect(client)).rejects.toThrow(`GET ${LIST} said has_next_page but sent no end_cursor after 1 of 4 items`);
  });

  it('reaching the total (or no total at all) is a complete list', async () => {
    expect(await collect(scripted(threePages(true, false, 3)).client)).toEqual(['a', 'b', 'c']);
    expect(await collect(scripted(threePages(true, false)).client)).toEqual(['a', 'b', 'c']);
  });
});

describe('empty pages that keep promising more', () => {
  it(`are refused at the ${MAX_EMPTY_PAGES}th in a row, not 100,000 requests later`, async () => {
    const { client, asked } = scripted((_after, call) => ({ items: [], end_cursor: `fresh-${call}`, has_next_page: true }));
    const error = await collect(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toBe(
      `GET ${LIST} returned ${MAX_EMPTY_PAGES} empty pages in a row that each said more would follow (page ${MAX_EMPTY_PAGES}); stopping`,
    );
    expect(MAX_EMPTY_PAGES).toBe(5);
    expect(asked).toHaveLength(MAX_EMPTY_PAGES);
  });

  it(`${MAX_EMPTY_PAGES - 1} empty pages in a row, then data, are tolerated (and the run restarts)`, async () => {
    const emptyRun = MAX_EMPTY_PAGES - 1;
    const { client, asked } = scripted((_after, call) => {
      // pages 1–4 empty, 5 data, 6–9 empty, 10 data and last
      const inRun = (call - 1) % (emptyRun + 1) < emptyRun;
      if (inRun) return { items: [], end_cursor: `c${call}`, has_next_page: true };
      return { items: items(`x${call}`), end_cursor: call >= 10 ? null : `c${call}`, has_next_page: call < 10 };
    });
    expect(await collect(client)).toEqual(['x5', 'x10']);
    expect(asked).toHaveLength(10);
  });

  it('a repeated cursor is still a loop, even on empty pages', async () => {
    const { client, asked } = scripted((after) => ({ items: [], end_cursor: after === undefined ? 'c1' : 'c1', has_next_page: true }));
    await expect(collect(client)).rejects.toThrow('returned the same cursor twice (page 2)');
    expect(asked).toEqual([undefined, 'c1']);
  });
});
