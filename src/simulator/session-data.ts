/**
 * The session half of `sim.data`: reads as of the data clock, and the mutation API tests use to
 * make exact changes between two reads.
 */
import { activeUsers } from './active-users.js';
import { SessionStore, type ResolvedSession } from './session-store.js';
import type {
  ActivePeriod,
  ActiveUsersPoint,
  ExpectedPullRequest,
  NewSession,
  SessionChanges,
  SessionInsightsRow,
  SessionMessage,
  SessionRow,
  SimulatedServiceUser,
} from './session-types.js';

export class SessionData {
  readonly store: SessionStore;
  // Rows handed out are copies: a test editing one must not change the simulated API.
  readonly #now: () => number;

  constructor(store: SessionStore, now: () => number) {
    this.store = store;
    this.#now = now;
  }

  /** Sessions of a data set whose history starts at `historyStart` (Unix seconds), clock `now`. */
  static create(options: { seed: number; sessions: number; orgs: readonly string[]; members: number; historyStart: number; now: () => number }): SessionData {
    const clockAtStart = Math.floor(options.now() / 1000);
    return new SessionData(new SessionStore({ ...options, clockAtStart }), options.now);
  }

  /** The data clock in Unix seconds. */
  nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  #resolve(sessionId: string): ResolvedSession | undefined {
    return this.store.resolve(sessionId, this.nowSeconds());
  }

  sessions(scopeOrgId?: string | null): SessionRow[] {
    const filter = { orgIds: scopeOrgId == null ? null : new Set([scopeOrgId]) };
    return [...this.store.scan(filter, this.nowSeconds())].map((candidate) => structuredClone(this.store.materialise(candidate).stored.row));
  }

  session(sessionId: string): SessionRow | undefined {
    const row = this.#resolve(sessionId)?.stored.row;
    return row === undefined ? undefined : structuredClone(row);
  }

  sessionInsights(sessionId: string): SessionInsightsRow | undefined {
    const found = this.#resolve(sessionId);
    return found === undefined ? undefined : structuredClone({ ...found.stored.row, ...found.stored.extras });
  }

  sessionMessages(sessionId: string): SessionMessage[] {
    const found = this.#resolve(sessionId);
    return found === undefined ? [] : this.store.messages(found);
  }

  sessionPullRequests(sessionId: string): ExpectedPullRequest[] {
    return structuredClone(this.#resolve(sessionId)?.stored.prs ?? []);
  }

  serviceUsers(orgId?: string | null): SimulatedServiceUser[] {
    return this.store.serviceUsers(orgId);
  }

  touchSession(sessionId: string, changes: SessionChanges = {}): SessionRow {
    return structuredClone(this.store.touch(sessionId, changes, this.nowSeconds()).row);
  }

  addSession(input: NewSession = {}): SessionRow {
    return structuredClone(this.store.add(input, this.nowSeconds()).row);
  }

  /** `orgId`: one org's scope; `orgIds`: the enterprise `org_ids` filter; neither = the enterprise. */
  activeUsers(
    period: ActivePeriod,
    timeAfter: number,
    timeBefore: number,
    options: { minSessions?: number; orgId?: string | null; orgIds?: readonly string[] } = {},
  ): ActiveUsersPoint[] {
    const now = this.nowSeconds();
    const orgIds = options.orgId != null ? new Set([options.orgId]) : options.orgIds === undefined ? null : new Set(options.orgIds);
    // min_sessions 0 counts as 1: without searches, "active" needs a session.
    const minSessions = Math.max(1, options.minSessions ?? 1);
    return activeUsers(period, timeAfter, timeBefore, minSessions, orgIds, this.store.createdBetween(timeAfter, timeBefore, now));
  }
}
