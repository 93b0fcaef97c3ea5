// Session messages over HTTP: oldest first, > 200 need pages, total null, ids that need encoding,
// 404s for unknown sessions and sessions of another org.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EDGE_SESSION_IDS,
  generatedSessionId,
  KEY_ENTERPRISE,
  KEY_ORG,
  LONG_CHAT_INDEXES,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, getRaw } from './helpers.js';
import { walkList } from './session-helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 30, sessions: 100 });
});
afterAll(async () => {
  await sim.close();
});

const entMessages = (id: string): string => `/v3/enterprise/sessions/${enc(id)}/messages`;
const orgMessages = (org: string, id: string): string => `/v3/organizations/${enc(org)}/sessions/${enc(id)}/messages`;

describe('session messages', () => {
  it('a long chat (> 200 messages) comes oldest first over several pages, total null, within the session', async () => {
    const index = [...LONG_CHAT_INDEXES][0]!;
    const session = sim.data.session(generatedSessionId(42, index))!;
    const id = session.session_id;
    const expected = sim.data.sessionMessages(id);
    expect(expected.length).toBeGreaterThan(200);
    const walked = await walkList(sim, entMessages(id), [['org_id', session.org_id]], KEY_ENTERPRISE, 200);
    expect(walked.pages.length).toBe(Math.ceil(expected.length / 200));
    expect(walked.items).toEqual(expected);
    for (const page of walked.pages) expect(page.total).toBeNull();
    expect(walked.pages.at(-1)!.end_cursor).toBeNull();
    const created = walked.items.map((m) => m['created_at'] as number);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(created[0]).toBe(session.created_at);
    expect(created.at(-1)!).toBeLessThanOrEqual(session.updated_at);
    expect(new Set(walked.items.map((m) => m['event_id'])).size).toBe(expected.length);
    for (const item of walked.items) {
      expect(Object.keys(item).sort()).toEqual(['created_at', 'event_id', 'message', 'source']);
      expect(['devin', 'user']).toContain(item['source']);
    }
    // default page size 100; small pages walk the same list
    expect(((await get(sim, entMessages(id))).json as { items: unknown[] }).items).toHaveLength(100);
    expect((await walkList(sim, entMessages(id), [], KEY_ENTERPRISE, 33)).items).toEqual(expected);
  });

  it('every session has a few to a few dozen messages (some hundreds), none after its updated_at', () => {
    const counts = sim.data.sessions().map((s) => {
      const messages = sim.data.sessionMessages(s.session_id);
      for (const m of messages) {
        expect(m.created_at).toBeGreaterThanOrEqual(s.created_at);
        expect(m.created_at).toBeLessThanOrEqual(s.updated_at);
      }
      return messages.length;
    });
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(counts.filter((n) => n > 200).length).toBeGreaterThanOrEqual(1);
    expect(counts.filter((n) => n >= 2 && n <= 40).length).toBeGreaterThan(counts.length / 2);
  });

  it('the org path serves its own sessions; another org’s session, an unknown id and a wrong ?org_id are 404', async () => {
    const sessions = sim.data.sessions();
    const alpha = sessions.find((s) => s.org_id === 'org-sim-alpha')!;
    const beta = sessions.find((s) => s.org_id === 'org-sim-beta')!;
    const reply = await get(sim, orgMessages('org-sim-alpha', alpha.session_id), KEY_ORG);
    expect(reply.status, reply.text).toBe(200);
    expect((reply.json as { items: unknown[] }).items).toEqual(sim.data.sessionMessages(alpha.session_id).slice(0, 100));
    expect((await get(sim, orgMessages('org-sim-alpha', beta.session_id), KEY_ORG)).status).toBe(404);
    expect((await get(sim, `${entMessages(beta.session_id)}?org_id=org-sim-alpha`)).status).toBe(404);
    expect((await get(sim, `${entMessages(beta.session_id)}?org_id=org-sim-beta`)).status).toBe(200);
    expect((await get(sim, entMessages('devin-00000000000000000000000000000000'))).status).toBe(404);
    const unknown = await get(sim, entMessages('devin-nope'));
    expect(unknown.status).toBe(404);
    expect(String(asObject(unknown.json)['detail'])).toContain('devin-nope');
    // a session that does not exist yet (created after now) is unknown too
    expect((await get(sim, entMessages(generatedSessionId(42, 100 + 5)))).status).toBe(404);
    // without the devin- prefix (a double-prefix or a stripped id) it is another id
    expect((await get(sim, entMessages(alpha.session_id.replace(/^devin-/, '')))).status).toBe(404);
    expect((await get(sim, entMessages(`devin-${alpha.session_id}`))).status).toBe(404);
  });

  it('ids with reserved characters work percent-encoded as one segment, and not raw', async () => {
    const listed = new Set(sim.data.sessions().map((s) => s.session_id));
    for (const id of EDGE_SESSION_IDS.values()) {
      expect(listed.has(id), id).toBe(true);
      const reply = await getRaw(sim, entMessages(id));
      expect(reply.status, `${id}: ${reply.text}`).toBe(200);
      expect((reply.json as { items: unknown[] }).items).toEqual(sim.data.sessionMessages(id).slice(0, 100));
    }
    expect((await getRaw(sim, '/v3/enterprise/sessions/devin-edge/slash?and#hash/messages')).status).toBe(404);
    expect((await getRaw(sim, '/v3/enterprise/sessions/devin-edge%2Fslash%3Fand%23hash/messages')).status).toBe(200);
  });

  it('cursors are per session; a bad first is 422', async () => {
    const [a, b] = sim.data.sessions().filter((s) => sim.data.sessionMessages(s.session_id).length > 3);
    const page = (await get(sim, `${entMessages(a!.session_id)}?first=2`)).json as { end_cursor: string };
    expect((await get(sim, `${entMessages(a!.session_id)}?first=2&after=${page.end_cursor}`)).status).toBe(200);
    expect((await get(sim, `${entMessages(b!.session_id)}?after=${page.end_cursor}`)).status).toBe(400);
    expect((await get(sim, `${entMessages(a!.session_id)}?first=0`)).status).toBe(422);
  });
});
