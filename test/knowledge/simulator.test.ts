/**
 * The simulator's playbook, knowledge-note and secret lists (devin-api-v3-more.md §5.1–§5.3): the
 * paths of each scope (no enterprise secrets list), permissions per key with the Devin name in the
 * 403, cursor pagination, Unix-second timestamps, enterprise-wide items in every organization's
 * listing, and the `value` / `secret` fields it sends on purpose (so the no-leak test is about something).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENT_NO_KNOWLEDGE,
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ORG_NO_KNOWLEDGE,
  KEY_ORG_NO_SECRETS,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, fixedClock, get } from '../simulator/helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ members: 2, days: 5, sessions: 0, knowledgeItems: 6, now: fixedClock });
});
afterAll(() => sim.close());

type Page = { items: Array<Record<string, unknown>>; end_cursor: string | null; has_next_page: boolean; total: number };
const page = (json: unknown): Page => asObject(json) as unknown as Page;

async function walk(path: string, key: string, first: number): Promise<{ items: Array<Record<string, unknown>>; pages: number }> {
  const items: Array<Record<string, unknown>> = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const reply = await get(sim, `${path}?first=${first}${after ? `&after=${after}` : ''}`, key);
    expect(reply.status, reply.text).toBe(200);
    const body = page(reply.json);
    items.push(...body.items);
    after = body.end_cursor;
    pages += 1;
  } while (after !== null);
  return { items, pages };
}

describe('the lists', () => {
  it('enterprise: every organization\'s items and the enterprise-wide ones, paginated; an organization: its own and the enterprise-wide ones', async () => {
    const enterprise = await walk('/v3/enterprise/playbooks', KEY_ENTERPRISE, 4);
    expect(enterprise.items).toHaveLength(6 * 2 + 3);
    expect(enterprise.pages).toBe(4);
    expect(new Set(enterprise.items.map((p) => p.org_id))).toEqual(new Set([null, 'org-sim-alpha', 'org-sim-beta']));
    const alpha = await walk('/v3/organizations/org-sim-alpha/knowledge/notes', KEY_ORG, 200);
    expect(alpha.items).toHaveLength(6 + 3);
    expect(new Set(alpha.items.map((n) => n.org_id))).toEqual(new Set([null, 'org-sim-alpha']));
    for (const item of [...enterprise.items, ...alpha.items]) {
      expect(Number.isInteger(item.created_at) && (item.created_at as number) < fixedClock() / 1000).toBe(true);
      expect(item.updated_at as number).toBeGreaterThanOrEqual(item.created_at as number);
      expect(item.access_type).toBe(item.org_id === null ? 'enterprise' : 'org');
    }
  });

  it('secrets: organization paths only, with the documented fields plus value and secret', async () => {
    expect((await get(sim, '/v3/enterprise/secrets', KEY_ENTERPRISE)).status).toBe(404);
    const { items } = await walk('/v3/organizations/org-sim-alpha/secrets', KEY_ORG, 200);
    expect(items).toHaveLength(6);
    const values = sim.data.knowledge.secretValues();
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(
        ['access_type', 'created_at', 'created_by', 'is_sensitive', 'key', 'note', 'secret', 'secret_id', 'secret_type', 'updated_at', 'updated_by', 'value'].sort(),
      );
      expect(values).toContain(item.value);
      expect(values).toContain(item.secret);
      expect(String(item.value).length).toBeGreaterThanOrEqual(16);
    }
  });
});

describe('permissions', () => {
  it.each([
    [KEY_ENT_NO_KNOWLEDGE, '/v3/enterprise/playbooks', 'ManageAccountPlaybooks'],
    [KEY_ENT_NO_KNOWLEDGE, '/v3/enterprise/knowledge/notes', 'ManageAccountKnowledge'],
    [KEY_ORG_NO_KNOWLEDGE, '/v3/organizations/org-sim-alpha/playbooks', 'ManageAccountPlaybooks'],
    [KEY_ORG_NO_SECRETS, '/v3/organizations/org-sim-alpha/secrets', 'ManageOrgSecrets'],
    [KEY_ORG_BETA, '/v3/organizations/org-sim-alpha/secrets', 'ManageOrgSecrets'],
  ])('%s on %s: 403 naming %s', async (key, path, permission) => {
    const reply = await get(sim, path, key);
    expect(reply.status).toBe(403);
    expect(String(asObject(reply.json).detail)).toContain(permission);
  });

  it('the keys hold what they do not lack', async () => {
    expect((await get(sim, '/v3/organizations/org-sim-alpha/secrets', KEY_ORG_NO_KNOWLEDGE)).status).toBe(200);
    expect((await get(sim, '/v3/organizations/org-sim-alpha/playbooks', KEY_ORG_NO_SECRETS)).status).toBe(200);
    expect((await get(sim, '/v3/organizations/org-sim-alpha/secrets', KEY_ENTERPRISE)).status).toBe(200);
  });
});
