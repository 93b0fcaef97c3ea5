// The generated sessions: PR URL variety with the parses a connector must make, owners,
// parent/child links, changes as the clock advances, and the mutation API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICE_USERS_PER_ORG,
  startSimulator,
  type ExpectedPrParse,
  type SessionRow,
  type Simulator,
} from '../../src/simulator/index.js';
import { buildPrUrl, PR_URL_KINDS } from '../../src/simulator/pr-urls.js';
import { fixedClock, get, NOW_MS } from './helpers.js';
import { movableClock, sessionIds, walkList } from './session-helpers.js';

const NOW = NOW_MS / 1000;
const ENT = '/v3/enterprise/sessions';

/** An independent reading of SPEC §5.3's URL rules, to cross-check the generator's expected parses. */
function referenceParse(url: string): ExpectedPrParse {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { host: null, provider: null, repository: null, pr_number: null };
  }
  const host = parsed.hostname.toLowerCase();
  const s = parsed.pathname.split('/').filter((part) => part !== '');
  const num = (text: string | undefined): number | null => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);
  const found = (provider: ExpectedPrParse['provider'], repository: string, n: number | null): ExpectedPrParse =>
    n === null ? { host, provider: null, repository: null, pr_number: null } : { host, provider, repository, pr_number: n };
  if (host.endsWith('.visualstudio.com') && s[1] === '_git' && s[3] === 'pullrequest') return found('azure_devops', `${host.split('.')[0]}/${s[0]}/${s[2]}`, num(s[4]));
  if (s[2] === '_git' && s[4] === 'pullrequest') return found('azure_devops', `${s[0]}/${s[1]}/${s[3]}`, num(s[5]));
  if (s[0] === 'projects' && s[2] === 'repos' && s[4] === 'pull-requests') return found('bitbucket', `${s[1]}/${s[3]}`, num(s[5]));
  const dash = s.indexOf('-');
  if (dash >= 2 && s[dash + 1] === 'merge_requests') return found('gitlab', s.slice(0, dash).join('/'), num(s[dash + 2]));
  if (s[2] === 'pull-requests') return found('bitbucket', `${s[0]}/${s[1]}`, num(s[3]));
  if (s[2] === 'pull') return found('github', `${s[0]}/${s[1]}`, num(s[3]));
  return { host, provider: null, repository: null, pr_number: null };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock });
});
afterAll(async () => {
  await sim.close();
});

describe('generated sessions', () => {
  it('the default data set has 200 sessions with PR URLs of every shape, each with the right expected parse', () => {
    const sessions = sim.data.sessions();
    expect(sessions).toHaveLength(200);
    const prs = sessions.flatMap((s) => sim.data.sessionPullRequests(s.session_id));
    expect(sessions.filter((s) => s.pull_requests.length === 0).length).toBeGreaterThan(0);
    expect(sessions.filter((s) => s.pull_requests.length >= 2).length).toBeGreaterThan(0);
    for (const pr of prs) expect(pr.expected, pr.pr_url).toEqual(referenceParse(pr.pr_url));
    const urls = prs.map((pr) => pr.pr_url);
    const shapes = [
      /^https:\/\/github\.com\/[^/]+\/[^/]+\/pull\/\d+$/, /\/pull\/\d+\/files$/, /\/pull\/\d+\?/, /\/pull\/\d+#/, /^https:\/\/GitHub\.COM\//,
      /^https:\/\/ghe\.example\.com\//, /^https:\/\/gitlab\.com\/[^/]+\/[^-]+\/-\/merge_requests\/\d+$/, /^https:\/\/gitlab\.example\.com:8443\//,
      /^https:\/\/bitbucket\.org\//, /^https:\/\/git\.example\.com\/projects\//, /^https:\/\/dev\.azure\.com\//, /\.visualstudio\.com\//,
      /^https:\/\/example\.com\/foo$/, /\/issues\/\d+$/, /\/pull\/new$/, /^not a url/,
    ];
    expect(shapes).toHaveLength(PR_URL_KINDS.length);
    for (const shape of shapes) expect(urls.some((url) => shape.test(url)), String(shape)).toBe(true);
    const providers = new Set(prs.map((pr) => pr.expected.provider));
    expect(providers).toEqual(new Set(['github', 'gitlab', 'bitbucket', 'azure_devops', null]));
    // the API rows carry only {pr_url, pr_state}
    for (const s of sessions) for (const pr of s.pull_requests) expect(Object.keys(pr).sort()).toEqual(['pr_state', 'pr_url']);
  });

  it('builds each URL shape with a known parse', () => {
    const parts = { owner: 'acme', repo: 'widgets', group: 'platform/infra', number: 42 };
    const built = Object.fromEntries(PR_URL_KINDS.map((kind, k) => [kind, buildPrUrl(k, parts, 'open')]));
    expect(built['gitlab-self-hosted-port']).toEqual({
      pr_url: 'https://gitlab.example.com:8443/platform/infra/widgets/-/merge_requests/42/diffs',
      pr_state: 'open',
      expected: { host: 'gitlab.example.com', provider: 'gitlab', repository: 'platform/infra/widgets', pr_number: 42 },
    });
    expect(built['bitbucket-server']!.expected).toEqual({ host: 'git.example.com', provider: 'bitbucket', repository: 'ACME/widgets', pr_number: 42 });
    expect(built['azure-visualstudio']!.expected).toEqual({ host: 'acme.visualstudio.com', provider: 'azure_devops', repository: 'acme/Core/widgets', pr_number: 42 });
    expect(built['github-upper-host']!.expected).toEqual({ host: 'github.com', provider: 'github', repository: 'acme/widgets', pr_number: 42 });
    expect(built['not-a-url']!.expected).toEqual({ host: null, provider: null, repository: null, pr_number: null });
    for (const pr of Object.values(built)) expect(pr.expected).toEqual(referenceParse(pr.pr_url));
  });

  it('owners: members of the session org, or one of its service users (then user_id is null)', () => {
    const serviceUsers = sim.data.serviceUsers();
    expect(serviceUsers).toHaveLength(2 * SERVICE_USERS_PER_ORG);
    expect(sim.data.serviceUsers('org-sim-beta').every((u) => u.org_id === 'org-sim-beta' && u.service_user_id.startsWith('service-user-'))).toBe(true);
    const sessions = sim.data.sessions();
    let byService = 0;
    for (const s of sessions) {
      if (s.service_user_id !== null) {
        byService++;
        expect(s.user_id).toBeNull();
        expect(sim.data.serviceUsers(s.org_id).map((u) => u.service_user_id)).toContain(s.service_user_id);
      } else {
        expect(sim.data.member(s.user_id!)!.org_ids).toContain(s.org_id);
        expect(sim.data.member(s.user_id!)!.consumes).toBe(true);
      }
    }
    expect(byService).toBeGreaterThan(0);
    expect(byService).toBeLessThan(sessions.length / 2);
  });

  it('parent and child sessions point at each other and share an owner', () => {
    const sessions = sim.data.sessions();
    const byId = new Map(sessions.map((s) => [s.session_id, s]));
    const children = sessions.filter((s) => s.parent_session_id !== null);
    expect(children.length).toBeGreaterThan(0);
    for (const child of children) {
      const parent = byId.get(child.parent_session_id!)!;
      expect(parent.created_at).toBeLessThanOrEqual(child.created_at);
      expect([parent.org_id, parent.user_id, parent.service_user_id]).toEqual([child.org_id, child.user_id, child.service_user_id]);
      if (parent.status !== 'running' && parent.status !== 'new') expect(parent.child_session_ids).toContain(child.session_id);
    }
    for (const parent of sessions) for (const id of parent.child_session_ids ?? []) expect(byId.get(id)!.parent_session_id).toBe(parent.session_id);
  });
});

describe('sessions change as the clock advances', () => {
  it('running sessions advance, finished ones stay, new ones appear; updated_at is never in the future', async () => {
    const clock = movableClock(NOW_MS);
    const local = await startSimulator({ now: clock.now, members: 30, sessions: 400 });
    try {
      const before = (await walkList(local, ENT)).items as unknown as SessionRow[];
      const running = before.filter((s) => s.status === 'running' || s.status === 'new');
      expect(running.length).toBeGreaterThan(0);
      // 12 h: longer than any tick, and about three new sessions at 400 per 60 days
      clock.advance(12 * 3_600);
      const later = NOW + 12 * 3_600;
      const after = (await walkList(local, ENT)).items as unknown as SessionRow[];
      const byId = new Map(after.map((s) => [s.session_id, s]));
      for (const s of before) {
        const now = byId.get(s.session_id)!;
        expect(now.updated_at).toBeLessThanOrEqual(later);
        if (s.status === 'running' || s.status === 'new') {
          expect(now.updated_at).toBeGreaterThan(s.updated_at);
          expect(now.acus_consumed).toBeGreaterThanOrEqual(s.acus_consumed);
        } else {
          expect(now).toEqual(s);
        }
      }
      const appeared = after.filter((s) => s.created_at > NOW);
      expect(appeared.length).toBeGreaterThan(0);
      expect(after.length).toBe(before.length + appeared.length);
      // an incremental read from the previous read's start finds exactly what changed or appeared
      const changed = (await walkList(local, ENT, [['updated_after', NOW + 1], ['updated_before', later + 1]])).items as unknown as SessionRow[];
      const expected = after.filter((s) => {
        const old = before.find((b) => b.session_id === s.session_id);
        return old === undefined || old.updated_at !== s.updated_at;
      });
      expect(new Set(sessionIds(changed as never))).toEqual(new Set(sessionIds(expected as never)));
      // three days on, every session that was running has finished and its PRs have settled
      clock.advance(3 * 86_400);
      for (const s of running) {
        const done = local.data.session(s.session_id)!;
        expect(['exit', 'error', 'suspended']).toContain(done.status);
        expect(done.updated_at).toBeGreaterThan(s.updated_at);
        expect(done.pull_requests.length).toBeGreaterThanOrEqual(s.pull_requests.length);
      }
      const settled = running.flatMap((s) => local.data.session(s.session_id)!.pull_requests.map((pr) => pr.pr_state));
      expect(settled.some((state) => state === 'merged' || state === 'closed')).toBe(true);
    } finally {
      await local.close();
    }
  });
});

describe('mutation API', () => {
  it('touchSession changes fields, sets updated_at to now and freezes the session', async () => {
    const clock = movableClock(NOW_MS);
    const local = await startSimulator({ now: clock.now, members: 20, sessions: 80 });
    try {
      const target = local.data.sessions().find((s) => s.status === 'running')!;
      clock.advance(10);
      const touched = local.data.touchSession(target.session_id, {
        title: 'renamed',
        tags: ['x'],
        pull_requests: [{ pr_url: 'https://github.com/acme/widgets/pull/1', pr_state: 'merged', expected: { host: 'github.com', provider: 'github', repository: 'acme/widgets', pr_number: 1 } }],
        analysis: { note: 'later' },
      });
      expect(touched).toMatchObject({ title: 'renamed', tags: ['x'], updated_at: NOW + 10, created_at: target.created_at, org_id: target.org_id });
      const window: Array<[string, number]> = [['updated_after', NOW + 10], ['updated_before', NOW + 11]];
      expect(sessionIds((await walkList(local, ENT, window)).items)).toEqual([target.session_id]);
      const insight = (await walkList(local, `${ENT}/insights`, window)).items[0]!;
      expect(insight['analysis']).toEqual({ note: 'later' });
      expect(local.data.sessionPullRequests(target.session_id)[0]!.expected.repository).toBe('acme/widgets');
      clock.advance(7_200);
      expect(local.data.session(target.session_id)).toEqual(touched);
      expect(() => local.data.touchSession('devin-nope')).toThrow(/no session/);
      expect(() => local.data.touchSession(target.session_id, {})).not.toThrow();
      expect(local.data.session(target.session_id)!.updated_at).toBe(NOW + 7_210);
    } finally {
      await local.close();
    }
  });

  it('addSession adds a session with its messages and PRs, listed by created_at; bad input throws', async () => {
    const local = await startSimulator({ now: fixedClock, members: 10, sessions: 20 });
    try {
      const row = local.data.addSession({
        session_id: 'devin-added/one',
        org_id: 'org-sim-beta',
        user_id: 'okta|u2',
        created_at: NOW - 100,
        updated_at: NOW - 50,
        pull_requests: [{ pr_url: 'https://example.com/foo', pr_state: null }],
        messages: [{ source: 'user', message: 'hi' }, { source: 'devin', message: 'hello' }],
        fields: { status: 'running', acus_consumed: 1.5 },
      });
      expect(row).toMatchObject({ session_id: 'devin-added/one', org_id: 'org-sim-beta', status: 'running', acus_consumed: 1.5, user_id: 'okta|u2' });
      const listed = (await walkList(local, ENT)).items;
      expect(listed).toHaveLength(21);
      const created = listed.map((s) => s['created_at'] as number);
      expect(created).toEqual([...created].sort((a, b) => b - a));
      const messages = await get(local, `${ENT}/${encodeURIComponent('devin-added/one')}/messages`);
      expect((messages.json as { items: Array<{ message: string }> }).items.map((m) => m.message)).toEqual(['hi', 'hello']);
      expect(local.data.sessionInsights('devin-added/one')).toMatchObject({ num_user_messages: 1, num_devin_messages: 1 });
      expect(local.data.sessionPullRequests('devin-added/one')[0]!.expected).toEqual({ host: null, provider: null, repository: null, pr_number: null });
      expect(local.data.addSession().session_id).toMatch(/^devin-/);
      expect(() => local.data.addSession({ session_id: 'devin-added/one' })).toThrow(/already exists/);
      expect(() => local.data.addSession({ updated_at: NOW + 1 })).toThrow(/now/);
      expect(() => local.data.addSession({ created_at: NOW - 1, updated_at: NOW - 2 })).toThrow(/created_at <= updated_at/);
      const changed = local.data.touchSession('devin-added/one', { status: 'exit' });
      expect(changed).toMatchObject({ status: 'exit', updated_at: NOW });
    } finally {
      await local.close();
    }
  });
});
