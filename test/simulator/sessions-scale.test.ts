// A 200,000-session data set pages through over HTTP. Checks that the walk is complete, ordered and
// duplicate-free, and that a time window scans only that window. Nothing here is timed: how fast it
// pages is the benchmark's (bench/scenarios-sessions.mjs, 50,000 and 200,000 sessions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { fixedClock, NOW_MS } from './helpers.js';
import { walkList } from './session-helpers.js';

const SESSIONS = 200_000;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 2_000, days: 120, sessions: SESSIONS, logRequests: false });
});
afterAll(async () => {
  await sim.close();
});

describe('a large sessions data set', () => {
  it(`pages through ${SESSIONS.toLocaleString('en')} sessions with first=200`, async () => {
    const { pages, items } = await walkList(sim, '/v3/enterprise/sessions');
    // a ten-day updated_* window scans only that window (plus one lifetime)
    const from = NOW_MS / 1000 - 30 * 86_400;
    const window = await walkList(sim, '/v3/enterprise/sessions', [['updated_after', from], ['updated_before', from + 10 * 86_400]]);
    const windowOk = window.items.length > 0 && window.items.every((item) => (item['updated_at'] as number) >= from && (item['updated_at'] as number) < from + 10 * 86_400);
    const prs = items.reduce((sum, item) => sum + (item['pull_requests'] as unknown[]).length, 0);
    expect(pages).toHaveLength(SESSIONS / 200);
    expect(pages[0]!.total).toBe(SESSIONS);
    expect(new Set(items.map((item) => item['session_id'])).size).toBe(SESSIONS);
    const created = items.map((item) => item['created_at'] as number);
    expect(created.every((value, k) => k === 0 || value <= created[k - 1]!)).toBe(true);
    expect(prs).toBeGreaterThan(SESSIONS / 2);
    expect(windowOk).toBe(true);
  }, 600_000);
});
