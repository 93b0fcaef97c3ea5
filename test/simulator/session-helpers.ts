// Helpers for the sessions-family tests: walking a filtered session list to its end over HTTP.
import { KEY_ENTERPRISE, type Simulator } from '../../src/simulator/index.js';
import { get } from './helpers.js';

export interface SessionPage {
  items: Array<Record<string, unknown>>;
  end_cursor: string | null;
  has_next_page: boolean;
  total: number | null;
}

/** `params` may repeat a name (org_ids); `first` defaults to 200. */
export async function walkList(
  sim: Simulator,
  path: string,
  params: Array<[string, string | number]> = [],
  key: string = KEY_ENTERPRISE,
  first = 200,
): Promise<{ pages: SessionPage[]; items: Array<Record<string, unknown>> }> {
  const pages: SessionPage[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100_000; guard++) {
    const query = new URLSearchParams(params.map(([name, value]): [string, string] => [name, String(value)]));
    query.set('first', String(first));
    if (after !== null) query.set('after', after);
    const reply = await get(sim, `${path}?${query.toString()}`, key);
    if (reply.status !== 200) throw new Error(`${path}: HTTP ${reply.status} ${reply.text}`);
    const page = reply.json as SessionPage;
    pages.push(page);
    if (!page.has_next_page || page.end_cursor === null) return { pages, items: pages.flatMap((p) => p.items) };
    after = page.end_cursor;
  }
  throw new Error('page loop');
}

export const sessionIds = (items: Array<Record<string, unknown>>): string[] => items.map((item) => item['session_id'] as string);

/** A clock tests can move; starts at `startMs`. */
export function movableClock(startMs: number): { now: () => number; advance: (seconds: number) => void; set: (ms: number) => void } {
  let ms = startMs;
  return { now: () => ms, advance: (seconds) => (ms += seconds * 1000), set: (value) => (ms = value) };
}
