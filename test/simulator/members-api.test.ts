// Member listings over HTTP: OpenAPI shapes, cursor pagination, validation, both scopes.
import { readFileSync } from 'node:fs';
import { newAjv } from '../helpers/ajv.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ENTERPRISE,
  KEY_ORG,
  KEY_ORG_BETA,
  KEY_ORG_EMPTY,
  startSimulator,
  type Simulator,
} from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, walkItems, walkPages } from './helpers.js';

const ENT_USERS = '/v3/enterprise/members/users';
const ENT_IDP = '/v3/enterprise/members/idp-users';
const orgUsers = (org: string): string => `/v3beta1/organizations/${enc(org)}/members/users`;
const orgIdp = (org: string): string => `/v3beta1/organizations/${enc(org)}/members/idp-users`;

const openapi = JSON.parse(
  readFileSync(new URL('../reference/devin-openapi-members-subset.json', import.meta.url), 'utf8'),
) as { components: unknown };
// strict:false lets ajv accept the OpenAPI `nullable` keyword (which it implements) and ignore the rest.
const ajv = newAjv();
const validateUserPage = ajv.compile({ components: openapi.components, $ref: '#/components/schemas/PaginatedResponse_User_' });
const validateIdpPage = ajv.compile({ components: openapi.components, $ref: '#/components/schemas/PaginatedResponse_IdpGroupUser_' });

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 120 });
});
afterAll(async () => {
  await sim.close();
});

function ids(items: Array<Record<string, unknown>>): string[] {
  return items.map((item) => item['user_id'] as string);
}

describe('member listings', () => {
  it('serve pages that validate against the OpenAPI subset, in both scopes', async () => {
    for (const [path, key, validate] of [
      [ENT_USERS, KEY_ENTERPRISE, validateUserPage],
      [ENT_IDP, KEY_ENTERPRISE, validateIdpPage],
      [orgUsers('org-sim-alpha'), KEY_ORG, validateUserPage],
      [orgIdp('org-sim-alpha'), KEY_ORG, validateIdpPage],
      [orgUsers('org-sim-empty'), KEY_ORG_EMPTY, validateUserPage],
    ] as const) {
      for (const page of await walkPages(sim, path, key, 50)) {
        const valid = validate(page);
        expect(valid, `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
    const reply = await get(sim, `${ENT_USERS}?first=5`);
    expect(reply.headers['content-type']).toBe('application/json');
    // the validators are not vacuous: nullable fields accept null, wrong shapes fail
    expect(validateUserPage({ items: [{ user_id: 'u', email: null, name: null, role_assignments: [] }] })).toBe(true);
    expect(validateUserPage({ items: [{ user_id: 'u', email: null, role_assignments: [] }] })).toBe(false);
    expect(validateIdpPage({ items: [{ user_id: 'u', email: 1, name: null, idp_role_assignments: [] }] })).toBe(false);
  });

  it('covers every member exactly once, in creation order, for any page size', async () => {
    const directExpected = sim.data.members().filter((m) => m.listing !== 'idp').map((m) => m.user_id);
    const idpExpected = sim.data.members().filter((m) => m.listing !== 'direct').map((m) => m.user_id);
    for (const first of [1, 7, 100, 200]) {
      const pages = await walkPages(sim, ENT_USERS, KEY_ENTERPRISE, first);
      const seen = ids(pages.flatMap((page) => page.items));
      expect(seen).toEqual(directExpected);
      for (const page of pages) expect(page.total).toBe(directExpected.length);
      const last = pages.at(-1)!;
      expect(last.end_cursor).toBeNull();
      expect(last.has_next_page).toBe(false);
      for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(first);
    }
    expect(ids(await walkItems(sim, ENT_IDP, KEY_ENTERPRISE, 9))).toEqual(idpExpected);
    const union = new Set([...directExpected, ...idpExpected]);
    expect([...union].sort()).toEqual(sim.data.members().map((m) => m.user_id).sort());
  });

  it('defaults to 100 per page and accepts 1..200 only', async () => {
    const page = asObject((await get(sim, ENT_USERS)).json);
    expect((page['items'] as unknown[]).length).toBe(Math.min(100, page['total'] as number));
    for (const bad of ['0', '201', 'abc', '1.5', '-3', '']) {
      const reply = await get(sim, `${ENT_USERS}?first=${bad}`);
      expect(reply.status, `first=${bad}`).toBe(422);
      const detail = asObject(reply.json)['detail'] as Array<Record<string, unknown>>;
      expect(detail[0]!['loc']).toEqual(['query', 'first']);
      expect(typeof detail[0]!['msg']).toBe('string');
    }
    expect((await get(sim, `${ENT_USERS}?first=200`)).status).toBe(200);
  });

  it('uses opaque cursors and rejects garbled or foreign ones with 400', async () => {
    const [firstPage, secondPage] = await walkPages(sim, ENT_USERS, KEY_ENTERPRISE, 10);
    const cursor = firstPage!.end_cursor!;
    expect(cursor).not.toMatch(/^\d+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/^[\x20-\x7e]*$/);
    expect(secondPage!.end_cursor).not.toBe(cursor);

    for (const bad of ['garbage', `${cursor}x`, cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A'), '10', '']) {
      const reply = await get(sim, `${ENT_USERS}?first=10&after=${enc(bad)}`);
      expect(reply.status, `after=${bad}`).toBe(400);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(asObject(reply.json)).toMatchObject({ type: 'about:blank', status: 400, title: 'Bad Request' });
    }
    // a cursor of one listing is foreign to another
    expect((await get(sim, `${ENT_IDP}?first=10&after=${enc(cursor)}`)).status).toBe(400);
    expect((await get(sim, `${orgUsers('org-sim-alpha')}?first=10&after=${enc(cursor)}`, KEY_ORG)).status).toBe(400);
  });

  it('keeps walking correctly when a member is removed mid-walk (keyset cursors)', async () => {
    const local = await startSimulator({ now: fixedClock, members: 30, logRequests: false });
    try {
      const first = asObject((await get(local, `${ENT_USERS}?first=5`)).json);
      const firstIds = ids(first['items'] as Array<Record<string, unknown>>);
      const expectedRest = local.data
        .members()
        .filter((m) => m.listing !== 'idp' && !firstIds.includes(m.user_id))
        .map((m) => m.user_id);
      local.data.removeMember(firstIds[0]!);
      const removedLater = expectedRest[3]!;
      local.data.removeMember(removedLater);
      let after = first['end_cursor'] as string;
      const rest: string[] = [];
      for (;;) {
        const page = asObject((await get(local, `${ENT_USERS}?first=5&after=${enc(after)}`)).json);
        rest.push(...ids(page['items'] as Array<Record<string, unknown>>));
        if (!page['has_next_page']) break;
        after = page['end_cursor'] as string;
      }
      expect(rest).toEqual(expectedRest.filter((id) => id !== removedLater));
    } finally {
      await local.close();
    }
  });

  it('filters by exact email', async () => {
    const target = sim.data.members().find((m) => m.listing !== 'idp' && m.email !== null)!;
    const page = asObject((await get(sim, `${ENT_USERS}?email=${enc(target.email!)}`)).json);
    expect(ids(page['items'] as Array<Record<string, unknown>>)).toEqual([target.user_id]);
  });

  it('gives both-listed users the same email and name in both listings', async () => {
    const direct = new Map((await walkItems(sim, ENT_USERS)).map((item) => [item['user_id'], item]));
    const idp = await walkItems(sim, ENT_IDP);
    const both = idp.filter((item) => direct.has(item['user_id']));
    expect(both.length).toBeGreaterThan(0);
    for (const item of both) {
      expect(item['email']).toBe(direct.get(item['user_id'])!['email']);
      expect(item['name']).toBe(direct.get(item['user_id'])!['name']);
    }
  });

  it('lists an org’s members with assignments restricted to that org', async () => {
    for (const [org, key] of [['org-sim-alpha', KEY_ORG], ['org-sim-beta', KEY_ORG_BETA]] as const) {
      const inOrg = sim.data.members().filter((m) => m.org_ids.includes(org));
      const direct = await walkItems(sim, orgUsers(org), key, 25);
      const idp = await walkItems(sim, orgIdp(org), key, 25);
      expect(ids(direct)).toEqual(inOrg.filter((m) => m.listing !== 'idp').map((m) => m.user_id));
      expect(ids(idp)).toEqual(inOrg.filter((m) => m.listing !== 'direct').map((m) => m.user_id));
      for (const item of direct) {
        const assignments = item['role_assignments'] as Array<{ org_id: string | null; role: { role_type: string } }>;
        expect(assignments.some((a) => a.org_id === null && a.role.role_type === 'enterprise')).toBe(true);
        expect(assignments.some((a) => a.org_id === org && a.role.role_type === 'org')).toBe(true);
        expect(assignments.every((a) => a.org_id === null || a.org_id === org)).toBe(true);
      }
      for (const item of idp) {
        const assignments = item['idp_role_assignments'] as Array<{ org_id: string | null; idp_group_name: string }>;
        expect(assignments.every((a) => a.org_id === null || a.org_id === org)).toBe(true);
        expect(assignments.every((a) => typeof a.idp_group_name === 'string')).toBe(true);
      }
      // an enterprise key may read the same org listing, also via the enterprise org path
      expect(ids(await walkItems(sim, orgUsers(org), KEY_ENTERPRISE))).toEqual(ids(direct));
      expect(ids(await walkItems(sim, `/v3/enterprise/organizations/${org}/members/users`))).toEqual(ids(direct));
    }
    // enterprise listing carries every org role of a two-org user
    const twoOrgs = sim.data.members().find((m) => m.org_ids.length > 1 && m.listing !== 'idp')!;
    const item = (await walkItems(sim, ENT_USERS)).find((i) => i['user_id'] === twoOrgs.user_id)!;
    expect((item['role_assignments'] as unknown[]).length).toBe(3);
  });

  it('serves an empty org as an empty last page', async () => {
    const page = asObject((await get(sim, orgUsers('org-sim-empty'), KEY_ORG_EMPTY)).json);
    expect(page).toEqual({ items: [], end_cursor: null, has_next_page: false, total: 0 });
  });
});
