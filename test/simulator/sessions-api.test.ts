// Session and insights lists over HTTP: envelope, order, keyset pagination, half-open filters,
// org_ids, both scopes, the filter-ignoring mode, permissions and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENT_NO_SESSIONS,
  KEY_ENT_ONLY_MEMBERS,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ORG_EMPTY,
  KEY_ORG_NO_SESSIONS,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, NOW_MS } from './helpers.js';
import { sessionIds, walkList } from './session-helpers.js';

const ENT = '/v3/enterprise/sessions';
const ENT_INSIGHTS = '/v3/enterprise/sessions/insights';
const orgSessions = (org: string): string => `/v3/organizations/${enc(org)}/sessions`;
const NOW = NOW_MS / 1000;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 40, sessions: 300 });
});
afterAll(async () => {
  await sim.close();
});

const SESSION_FIELDS = [
  'session_id', 'url', 'status', 'status_detail', 'title', 'tags', 'org_id', 'user_id', 'service_user_id', 'playbook_id',
  'origin', 'category', 'subcategory', 'acus_consumed', 'pull_requests', 'created_at', 'updated_at', 'is_archived',
  'parent_session_id', 'child_session_ids', 'devin_mode', 'automation_id', 'structured_output',
].sort();

describe('session lists', () => {
  it('serve every session field in the member-listing envelope, newest first by created_at', async () => {
    const reply = await get(sim, `${ENT}?first=5`);
    expect(reply.status, reply.text).toBe(200);
    const page = asObject(reply.json);
    expect(Object.keys(page).sort()).toEqual(['end_cursor', 'has_next_page', 'items', 'total']);
    expect(page['total']).toBe(300);
    const items = page['items'] as Array<Record<string, unknown>>;
    expect(items).toHaveLength(5);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(SESSION_FIELDS);
    const { items: all } = await walkList(sim, ENT);
    expect(all).toHaveLength(300);
    expect(new Set(sessionIds(all)).size).toBe(300);
    const created = all.map((item) => item['created_at'] as number);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // the order is not by updated_at (the connector must not assume either)
    const updated = all.map((item) => item['updated_at'] as number);
    expect(updated).not.toEqual([...updated].sort((a, b) => b - a));
    for (const item of all) {
      expect(item['updated_at'] as number).toBeGreaterThanOrEqual(item['created_at'] as number);
      expect(item['updated_at'] as number).toBeLessThanOrEqual(NOW);
      expect(item['session_id']).toEqual(expect.stringMatching(/^devin-/));
    }
    expect(all).toEqual(sim.data.sessions());
  });

  it('page sizes 1..200 (default 100); bad first is 422, a bad or foreign cursor is 400', async () => {
    expect(((await get(sim, ENT)).json as { items: unknown[] }).items).toHaveLength(100);
    for (const bad of ['0', '201', 'x']) expect((await get(sim, `${ENT}?first=${bad}`)).status).toBe(422);
    const walked = await walkList(sim, ENT, [], KEY_ENTERPRISE, 7);
    expect(walked.pages).toHaveLength(Math.ceil(300 / 7));
    expect(walked.pages.at(-1)!.end_cursor).toBeNull();
    const cursor = walked.pages[0]!.end_cursor!;
    expect((await get(sim, `${ENT}?after=garbage`)).status).toBe(400);
    expect((await get(sim, `${ENT}?after=`)).status).toBe(400);
    expect((await get(sim, `${ENT_INSIGHTS}?after=${cursor}`)).status).toBe(400);
    expect((await get(sim, `${orgSessions('org-sim-alpha')}?after=${cursor}`)).status).toBe(400);
    const tampered = cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');
    expect((await get(sim, `${ENT}?after=${tampered}`)).status).toBe(400);
  });

  it('keyset cursors are stable when sessions are updated or added during a walk', async () => {
    const local = await startSimulator({ now: fixedClock, members: 20, sessions: 50 });
    try {
      const before = sessionIds((await walkList(local, ENT)).items);
      const first = (await get(local, `${ENT}?first=10`)).json as { items: Array<Record<string, unknown>>; end_cursor: string };
      local.data.touchSession(before[15]!, { title: 'changed mid-walk' });
      local.data.touchSession(before[3]!, { title: 'changed, already served' });
      local.data.addSession({ created_at: NOW - 10, updated_at: NOW - 5 });
      const rest = await get(local, `${ENT}?first=200&after=${first.end_cursor}`);
      const restIds = sessionIds((rest.json as { items: Array<Record<string, unknown>> }).items);
      expect([...sessionIds(first.items), ...restIds]).toEqual(before);
      expect((rest.json as { total: number }).total).toBe(51);
    } finally {
      await local.close();
    }
  });

  it('filters created_* and updated_* half-open: [after, before)', async () => {
    const all = (await walkList(sim, ENT)).items;
    const pivot = all[40]!;
    const created = pivot['created_at'] as number;
    const updated = pivot['updated_at'] as number;
    const createdFrom = sessionIds((await walkList(sim, ENT, [['created_after', created]])).items);
    expect(createdFrom).toContain(pivot['session_id']);
    expect(createdFrom).toEqual(sessionIds(all.filter((s) => (s['created_at'] as number) >= created)));
    const createdTo = sessionIds((await walkList(sim, ENT, [['created_before', created]])).items);
    expect(createdTo).not.toContain(pivot['session_id']);
    expect(createdTo).toEqual(sessionIds(all.filter((s) => (s['created_at'] as number) < created)));
    const window: Array<[string, number]> = [['updated_after', updated], ['updated_before', updated + 1]];
    const exact = (await walkList(sim, ENT, window)).items;
    expect(sessionIds(exact)).toContain(pivot['session_id']);
    expect(exact.every((s) => s['updated_at'] === updated)).toBe(true);
    expect((await walkList(sim, ENT, [['updated_after', updated], ['updated_before', updated]])).items).toEqual([]);
    // a several-day window equals filtering the whole list, and total counts the window
    const from = NOW - 9 * 86_400;
    const to = NOW - 2 * 86_400;
    const expected = all.filter((s) => (s['updated_at'] as number) >= from && (s['updated_at'] as number) < to);
    const got = await walkList(sim, ENT, [['updated_after', from], ['updated_before', to]], KEY_ENTERPRISE, 9);
    expect(got.items).toEqual(expected);
    expect(got.pages[0]!.total).toBe(expected.length);
    const both = await walkList(sim, ENT_INSIGHTS, [['updated_after', from], ['updated_before', to], ['created_after', from]]);
    expect(sessionIds(both.items)).toEqual(sessionIds(expected.filter((s) => (s['created_at'] as number) >= from)));
    expect((await get(sim, `${ENT}?updated_after=1.5`)).status).toBe(422);
    expect((await get(sim, `${ENT}?created_before=yesterday`)).status).toBe(422);
  });

  it('enterprise org_ids (repeatable) and the org paths keep one org; enterprise keys may read org paths', async () => {
    const all = (await walkList(sim, ENT)).items;
    const alpha = all.filter((s) => s['org_id'] === 'org-sim-alpha');
    const beta = all.filter((s) => s['org_id'] === 'org-sim-beta');
    expect(alpha.length).toBeGreaterThan(0);
    expect(beta.length).toBeGreaterThan(0);
    expect(alpha.length + beta.length).toBe(all.length);
    expect((await walkList(sim, ENT, [['org_ids', 'org-sim-alpha']])).items).toEqual(alpha);
    expect((await walkList(sim, ENT, [['org_ids', 'org-sim-alpha'], ['org_ids', 'org-sim-beta']])).items).toEqual(all);
    expect((await walkList(sim, ENT, [['org_ids', 'org-nope']])).items).toEqual([]);
    expect((await walkList(sim, orgSessions('org-sim-alpha'), [], KEY_ORG)).items).toEqual(alpha);
    expect((await walkList(sim, orgSessions('org-sim-beta'), [], KEY_ORG_BETA)).items).toEqual(beta);
    expect((await walkList(sim, orgSessions('org-sim-beta'), [], KEY_ENTERPRISE)).items).toEqual(beta);
    expect((await walkList(sim, '/v3/organizations/org-sim-empty/sessions', [], KEY_ORG_EMPTY)).items).toEqual([]);
    // an org path ignores org_ids (the path is the scope)
    expect((await walkList(sim, orgSessions('org-sim-alpha'), [['org_ids', 'org-sim-beta']], KEY_ORG)).items).toEqual(alpha);
    expect((await get(sim, orgSessions('org-unknown'))).status).toBe(404);
  });

  it('insights are the session fields plus message counts, size and analysis', async () => {
    const sessions = (await walkList(sim, ENT)).items;
    const insights = (await walkList(sim, ENT_INSIGHTS)).items;
    expect(sessionIds(insights)).toEqual(sessionIds(sessions));
    let analysed = 0;
    for (const [k, item] of insights.entries()) {
      const { num_devin_messages, num_user_messages, session_size, analysis, ...rest } = item;
      expect(rest).toEqual(sessions[k]);
      expect(['xs', 's', 'm', 'l', 'xl']).toContain(session_size);
      const messages = sim.data.sessionMessages(item['session_id'] as string);
      expect(num_user_messages).toBe(messages.filter((m) => m.source === 'user').length);
      expect(num_devin_messages).toBe(messages.filter((m) => m.source === 'devin').length);
      if (analysis !== null) {
        analysed++;
        expect(typeof analysis).toBe('object');
      }
    }
    expect(analysed).toBeGreaterThan(0);
    expect(analysed).toBeLessThan(insights.length);
  });
});

describe('filter-ignoring mode', () => {
  it('the option makes the lists ignore updated_* and created_* (and not validate them); the setter turns it off', async () => {
    const local = await startSimulator({ now: fixedClock, members: 20, sessions: 60, sessionsIgnoreTimeFilters: true });
    try {
      const all = (await walkList(local, ENT)).items;
      const window: Array<[string, number]> = [['updated_after', NOW - 86_400], ['updated_before', NOW - 3_600], ['created_after', NOW - 86_400]];
      for (const path of [ENT, ENT_INSIGHTS, orgSessions('org-sim-alpha')]) {
        const got = (await walkList(local, path, window)).items;
        const unfiltered = (await walkList(local, path)).items;
        expect(got).toEqual(unfiltered);
      }
      expect((await walkList(local, ENT, window)).items).toEqual(all);
      expect((await get(local, `${ENT}?updated_after=not-a-number`)).status).toBe(200);
      // org_ids still applies: only the time filters are unknown to such an API
      expect((await walkList(local, ENT, [['org_ids', 'org-sim-beta'], ...window])).items).toEqual(all.filter((s) => s['org_id'] === 'org-sim-beta'));
      local.setSessionsIgnoreTimeFilters(false);
      const filtered = (await walkList(local, ENT, window)).items;
      expect(filtered.length).toBeLessThan(all.length);
      expect(filtered.every((s) => (s['updated_at'] as number) >= NOW - 86_400 && (s['updated_at'] as number) < NOW - 3_600)).toBe(true);
      local.setSessionsIgnoreTimeFilters(true);
      expect((await walkList(local, ENT, window)).items).toEqual(all);
    } finally {
      await local.close();
    }
  });
});

describe('session permissions', () => {
  it.each([
    [ENT, KEY_ENT_NO_SESSIONS, 'ViewAccountSessions'],
    [ENT_INSIGHTS, KEY_ENT_ONLY_MEMBERS, 'ViewAccountSessions'],
    [`${ENT}/devin-x/messages`, KEY_ENT_NO_SESSIONS, 'ViewAccountSessions'],
    [orgSessions('org-sim-alpha'), KEY_ORG_NO_SESSIONS, 'ViewOrgSessions'],
    [`${orgSessions('org-sim-alpha')}/insights`, KEY_ORG_NO_SESSIONS, 'ViewOrgSessions'],
    [`${orgSessions('org-sim-alpha')}/devin-x/messages`, KEY_ORG_NO_SESSIONS, 'ViewOrgSessions'],
    [orgSessions('org-sim-alpha'), KEY_ENT_NO_SESSIONS, 'ViewOrgSessions'],
  ])('%s with %s is 403 naming %s', async (path, key, permission) => {
    const reply = await get(sim, path, key);
    expect(reply.status).toBe(403);
    expect(String(asObject(reply.json)['detail'])).toContain(permission);
  });

  it('org keys are 403 on the enterprise list and on another org; no key is 401', async () => {
    expect((await get(sim, ENT, KEY_ORG)).status).toBe(403);
    const other = await get(sim, orgSessions('org-sim-beta'), KEY_ORG);
    expect(other.status).toBe(403);
    expect(String(asObject(other.json)['detail'])).toContain('ViewOrgSessions');
    expect((await get(sim, ENT, null)).status).toBe(401);
    // the no-sessions keys still read everything else
    expect((await get(sim, '/v3/enterprise/members/users', KEY_ENT_NO_SESSIONS)).status).toBe(200);
    expect((await get(sim, `/v3/organizations/org-sim-alpha/metrics/prs?time_after=0&time_before=1`, KEY_ORG_NO_SESSIONS)).status).toBe(200);
  });
});

describe('determinism', () => {
  it('same seed, sizes and clock give byte-identical pages; another seed does not', async () => {
    const a = await startSimulator({ now: fixedClock, members: 30, sessions: 120, seed: 7 });
    const b = await startSimulator({ now: fixedClock, members: 30, sessions: 120, seed: 7 });
    const c = await startSimulator({ now: fixedClock, members: 30, sessions: 120, seed: 8 });
    try {
      for (const path of [`${ENT}?first=200`, `${ENT_INSIGHTS}?first=200`, '/v3/enterprise/metrics/dau?time_after=1764000000&time_before=1765400000']) {
        const [ra, rb, rc] = await Promise.all([get(a, path), get(b, path), get(c, path)]);
        expect(ra.status).toBe(200);
        expect(ra.text).toBe(rb.text);
        expect(ra.text).not.toBe(rc.text);
      }
      const id = a.data.sessions()[10]!.session_id;
      const messages = `${ENT}/${enc(id)}/messages?first=200`;
      expect((await get(a, messages)).text).toBe((await get(b, messages)).text);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('faults on the session lists', () => {
  it('list-only faults and wrong-types apply to the session lists and messages like to member listings', async () => {
    try {
      sim.setFaults([{ kind: 'null-cursor-has-next', path: ENT, times: 1 }]);
      expect((await get(sim, `${ENT}?first=5`)).json).toMatchObject({ end_cursor: null, has_next_page: true });
      expect(asObject((await get(sim, `${ENT}?first=5`)).json)['end_cursor']).not.toBeNull();
      const id = sim.data.sessions()[0]!.session_id;
      sim.setFaults([{ kind: 'repeat-cursor', path: /\/messages$/, times: 1 }]);
      const looped = asObject((await get(sim, `${ENT}/${enc(id)}/messages?first=1`)).json);
      const restart = await get(sim, `${ENT}/${enc(id)}/messages?first=1&after=${looped['end_cursor'] as string}`);
      expect(asObject(restart.json)['items']).toEqual(looped['items']);
      sim.setFaults([{ kind: 'wrong-types', path: ENT_INSIGHTS, times: 1 }]);
      const drifted = asObject((await get(sim, `${ENT_INSIGHTS}?first=2`)).json);
      expect(Array.isArray(drifted['items'])).toBe(false);
      expect(drifted['total']).toBe('300');
    } finally {
      sim.setFaults([]);
    }
  });
});
