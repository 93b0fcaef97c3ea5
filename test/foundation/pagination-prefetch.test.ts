/**
 * `paginate(…, { prefetch: true })` (the timestamp-window lists and the directory listings) asks, from
 * the second page on, for page n + 1 as soon as page n's cursor is known, before the caller has handled
 * page n, so that the API prepares it meanwhile; a caller that stops after the first page has made no
 * request it does not use. Same pages, same requests, same stopping rules and errors as without it; no
 * request for a page the rules refuse; a caller that stops early leaves no unhandled rejection.
 */
import { describe, expect, it } from 'vitest';
import type { ApiRequest } from '../../src/devin/client.js';
import { ResponseShapeError } from '../../src/devin/errors.js';
import { paginate } from '../../src/devin/pagination.js';

const LIST = '/v3/enterprise/sessions';
type Body = Record<string, unknown>;

/** A client answering from `answer`; `asked` is every `after` requested, in order (undefined: the first page). */
function scripted(answer: (after: string | undefined) => Body | Error) {
  const asked: Array<string | undefined> = [];
  const client = {
    getJson(req: ApiRequest): Promise<unknown> {
      const raw = req.query?.find(([name]) => name === 'after')?.[1];
      const after = raw === undefined ? undefined : String(raw);
      asked.push(after);
      const body = answer(after);
      return body instanceof Error ? Promise.reject(body) : Promise.resolve(body);
    },
  };
  return { client, asked };
}

/** Pages p1, p2, p3 with cursors c1, c2; the last has no next page. */
const threePages = (after: string | undefined): Body => {
  if (after === undefined) return { items: [{ id: 'a' }], end_cursor: 'c1', has_next_page: true };
  if (after === 'c1') return { items: [{ id: 'b' }], end_cursor: 'c2', has_next_page: true };
  return { items: [{ id: 'c' }], end_cursor: null, has_next_page: false };
};

describe('a prefetching list', () => {
  it('has asked for the next page by the time the caller gets page 2 on, and for nothing past the last', async () => {
    const { client, asked } = scripted(threePages);
    const seenWhenHanded: Array<Array<string | undefined>> = [];
    const ids: string[] = [];
    for await (const page of paginate(client, { path: LIST }, undefined, 200, undefined, { prefetch: true })) {
      seenWhenHanded.push([...asked]);
      for (const item of page.items) ids.push((item as { id: string }).id);
    }
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(seenWhenHanded).toEqual([[undefined], [undefined, 'c1', 'c2'], [undefined, 'c1', 'c2']]);
  });

  it('without prefetch, asks for a page only when the caller wants it (the other lists)', async () => {
    const { client, asked } = scripted(threePages);
    const seenWhenHanded: number[] = [];
    for await (const _page of paginate(client, { path: LIST })) seenWhenHanded.push(asked.length);
    expect(seenWhenHanded).toEqual([1, 2, 3]);
  });

  it('sends no prefetch after a repeated cursor: the page still reaches the caller, then the loop is an error', async () => {
    const { client, asked } = scripted((after) => ({ items: [{ id: after ?? 'first' }], end_cursor: 'same', has_next_page: true }));
    const ids: string[] = [];
    const reading = (async () => {
      for await (const page of paginate(client, { path: LIST }, undefined, 200, undefined, { prefetch: true })) {
        for (const item of page.items) ids.push((item as { id: string }).id);
      }
    })();
    await expect(reading).rejects.toThrow(ResponseShapeError);
    await expect(reading).rejects.toThrow(/same cursor twice/);
    expect(ids).toEqual(['first', 'same']);
    expect(asked).toEqual([undefined, 'same']);
  });

  it('hands a failed prefetch to the caller that asks for that page', async () => {
    const failure = new Error('connection reset');
    const { client } = scripted((after) => (after === 'c2' ? failure : threePages(after)));
    const ids: string[] = [];
    const reading = (async () => {
      for await (const page of paginate(client, { path: LIST }, undefined, 200, undefined, { prefetch: true })) {
        for (const item of page.items) ids.push((item as { id: string }).id);
      }
    })();
    await expect(reading).rejects.toBe(failure);
    expect(ids).toEqual(['a', 'b']);
  });

  it('makes no request after the first page for a caller that stops there', async () => {
    const { client, asked } = scripted(threePages);
    for await (const _page of paginate(client, { path: LIST }, undefined, 200, undefined, { prefetch: true })) break;
    expect(asked).toEqual([undefined]);
  });

  it('leaves no unhandled rejection when the caller stops before the failed page', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { client, asked } = scripted((after) => (after === 'c2' ? new Error('connection reset') : threePages(after)));
      const ids: string[] = [];
      for await (const page of paginate(client, { path: LIST }, undefined, 200, undefined, { prefetch: true })) {
        ids.push(...page.items.map((item) => (item as { id: string }).id));
        if (ids.length === 2) break;
      }
      expect(ids).toEqual(['a', 'b']);
      expect(asked).toEqual([undefined, 'c1', 'c2']);
      // Rejections are reported after the microtask queue drains: give it a full turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
