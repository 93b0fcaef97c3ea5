// Shared helpers for the simulator tests: real HTTP over loopback with undici (not the global
// fetch, so nothing between the test and the socket rewrites requests or swallows resets).
import { Client, request } from 'undici';
import { dayOfMillis } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, type Simulator } from '../../src/simulator/index.js';

/** A fixed clock: 2025-12-10T12:00:00Z, inside billing day 2025-12-10. */
export const NOW_MS = Date.UTC(2025, 11, 10, 12, 0, 0);
export const fixedClock = (): number => NOW_MS;
export const TODAY = dayOfMillis(NOW_MS);

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** GET `pathAndQuery` (already encoded) with a bearer key; `null` key sends no Authorization. */
export async function get(
  sim: Simulator,
  pathAndQuery: string,
  key: string | null = KEY_ENTERPRISE,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD' = 'GET',
): Promise<Reply> {
  const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
  if (key !== null) allHeaders['authorization'] = `Bearer ${key}`;
  const response = await request(`${sim.url}${pathAndQuery}`, { method, headers: allHeaders });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: parseJson(text) };
}

/** GET with the path sent byte-for-byte (no URL parsing or normalisation on the client side). */
export async function getRaw(sim: Simulator, rawPath: string, key: string = KEY_ENTERPRISE): Promise<Reply> {
  const client = new Client(sim.url);
  try {
    const response = await client.request({ method: 'GET', path: rawPath, headers: { authorization: `Bearer ${key}` } });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, json: parseJson(text) };
  } finally {
    await client.close();
  }
}

export function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not an object: ${String(value)}`);
  return value as Record<string, unknown>;
}

export interface MemberPage {
  items: Array<Record<string, unknown>>;
  end_cursor: string | null;
  has_next_page: boolean;
  total: number | null;
}

/** Walks a member listing to the end; returns every page. */
export async function walkPages(sim: Simulator, listPath: string, key: string = KEY_ENTERPRISE, first = 200): Promise<MemberPage[]> {
  const pages: MemberPage[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const query = new URLSearchParams({ first: String(first) });
    if (after !== null) query.set('after', after);
    const reply = await get(sim, `${listPath}?${query.toString()}`, key);
    if (reply.status !== 200) throw new Error(`${listPath}: HTTP ${reply.status} ${reply.text}`);
    const page = reply.json as MemberPage;
    pages.push(page);
    if (!page.has_next_page || page.end_cursor === null) return pages;
    after = page.end_cursor;
  }
  throw new Error('page loop');
}

export async function walkItems(sim: Simulator, listPath: string, key: string = KEY_ENTERPRISE, first = 200): Promise<Array<Record<string, unknown>>> {
  return (await walkPages(sim, listPath, key, first)).flatMap((page) => page.items);
}

export const enc = encodeURIComponent;
