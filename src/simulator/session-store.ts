/**
 * The simulated sessions: generated ones derived per index from the seed and the clock, plus
 * the ones tests touch or add. Everything a sessions endpoint, the metrics or the ground truth
 * needs goes through here.
 */
import { hashInts, hex8 } from './hash.js';
import { generatedInsights, generatedPullRequests, generatedRow, indexOfSessionId } from './session-generator.js';
import { generatedMessage, visibleMessageCount } from './session-messages.js';
import { SessionOwners } from './session-owners.js';
import { ADDED_TIE_BASE, compareKeys, scanSessions, type Candidate, type SessionFilter, type SessionKey } from './session-scan.js';
import { added, touched, type StoredSession } from './session-stored.js';
import { SessionTimeline } from './session-timeline.js';
import type { ExpectedPullRequest, NewSession, SessionChanges, SessionInsightsExtras, SessionMessage, SimulatedServiceUser } from './session-types.js';

export interface SessionStoreOptions {
  seed: number;
  sessions: number;
  orgs: readonly string[];
  members: number;
  /** Unix seconds: the first session's earliest created_at, and the clock at start-up. */
  historyStart: number;
  clockAtStart: number;
}

/** A session as of one clock second, with everything derived from it. */
export interface ResolvedSession {
  stored: StoredSession;
  /** Generated index, if generated (touched or not). */
  index: number | undefined;
}

/** One session's owner and creation time, as the active-users metrics need them. */
export interface SessionCreation {
  created: number;
  org_id: string;
  user_id: string | null;
}

export class SessionStore {
  readonly #seed: number;
  readonly #orgs: readonly string[];
  readonly #timeline: SessionTimeline;
  readonly #owners: SessionOwners;
  readonly #touched = new Map<number, StoredSession>();
  #touchedIndexes: number[] = [];
  readonly #added: StoredSession[] = [];
  readonly #addedById = new Map<string, StoredSession>();
  readonly #counts = new Map<string, number>();
  /** Bumped on every mutation, for caches. */
  version = 0;

  constructor(options: SessionStoreOptions) {
    this.#seed = options.seed;
    this.#orgs = options.orgs;
    this.#timeline = new SessionTimeline(options.seed, options.sessions, options.historyStart, options.clockAtStart);
    this.#owners = new SessionOwners(options.seed, options.orgs, options.members, this.#timeline);
  }

  serviceUsers(orgId?: string | null): SimulatedServiceUser[] {
    const orgs = orgId == null ? this.#orgs : this.#orgs.filter((org) => org === orgId);
    return orgs.flatMap((org) => this.#owners.serviceUsers(org));
  }

  #sources() {
    return { timeline: this.#timeline, owners: this.#owners, touched: this.#touched, touchedIndexes: this.#touchedIndexes, added: this.#added };
  }

  scan(filter: SessionFilter, now: number, after?: SessionKey): Generator<Candidate> {
    return scanSessions(this.#sources(), filter, now, after);
  }

  /** How many sessions match: a full scan, so cached per filter, clock second and data version. */
  count(filter: SessionFilter, now: number): number {
    const orgs = filter.orgIds === null ? null : [...filter.orgIds].sort();
    const key = JSON.stringify([orgs, filter.createdAfter, filter.createdBefore, filter.updatedAfter, filter.updatedBefore, now, this.version]);
    let total = this.#counts.get(key);
    if (total === undefined) {
      total = 0;
      for (const _ of this.scan(filter, now)) total++;
      if (this.#counts.size > 200) this.#counts.clear();
      this.#counts.set(key, total);
    }
    return total;
  }

  /** The full session behind a scan candidate. */
  materialise(candidate: Candidate): ResolvedSession {
    if (candidate.kind === 'stored') return { stored: candidate.stored, index: candidate.index };
    return { stored: this.#snapshot(candidate.index, candidate.progress), index: candidate.index };
  }

  #snapshot(index: number, progress: NonNullable<ReturnType<SessionTimeline['progress']>>): StoredSession {
    const seed = this.#seed;
    const prs: ExpectedPullRequest[] = generatedPullRequests(seed, index, progress);
    const row = generatedRow(seed, index, progress, this.#owners, prs);
    // The insights count messages (hundreds of hashes for a long chat): only when asked for.
    let extras: SessionInsightsExtras | undefined;
    return {
      key: { created: progress.created, tie: index },
      row,
      get extras() {
        return (extras ??= generatedInsights(seed, index, progress, row));
      },
      prs,
      messages: undefined,
    };
  }

  /** The session with this id as of `now`, or undefined (unknown, or not created yet). */
  resolve(sessionId: string, now: number): ResolvedSession | undefined {
    const addedOne = this.#addedById.get(sessionId);
    if (addedOne !== undefined) return addedOne.row.created_at <= now ? { stored: addedOne, index: undefined } : undefined;
    const index = indexOfSessionId(this.#seed, sessionId);
    if (index === undefined || this.#timeline.empty) return undefined;
    const touchedOne = this.#touched.get(index);
    if (touchedOne !== undefined) return { stored: touchedOne, index };
    const progress = this.#timeline.progress(index, now);
    return progress === undefined ? undefined : { stored: this.#snapshot(index, progress), index };
  }

  /** Messages that exist by the session row's updated_at, oldest first. */
  messages(session: ResolvedSession, fromOrdinal = 0, limit = Infinity): SessionMessage[] {
    if (session.stored.messages !== undefined) return session.stored.messages.slice(fromOrdinal, fromOrdinal + limit);
    const index = session.index!;
    const lifetime = this.#timeline.lifetime(index);
    const created = session.stored.row.created_at;
    const visible = this.messageCount(session);
    const out: SessionMessage[] = [];
    for (let j = fromOrdinal; j < visible && out.length < limit; j++) out.push(generatedMessage(this.#seed, index, j, created, lifetime));
    return out;
  }

  messageCount(session: ResolvedSession): number {
    if (session.stored.messages !== undefined) return session.stored.messages.length;
    const index = session.index!;
    const lifetime = this.#timeline.lifetime(index);
    const elapsed = Math.min(lifetime, session.stored.row.updated_at - session.stored.row.created_at);
    return visibleMessageCount(this.#seed, index, elapsed, lifetime);
  }

  /** Owners of the sessions created in [from, to) and by `now`, for the active-users metrics. */
  *createdBetween(from: number, to: number, now: number): Generator<SessionCreation> {
    const end = Math.min(to, now + 1);
    if (!this.#timeline.empty) {
      const last = this.#timeline.firstIndexAtOrAfter(end);
      for (let index = this.#timeline.firstIndexAtOrAfter(from); index < last; index++) {
        const owner = this.#owners.owner(index);
        yield { created: this.#timeline.createdAt(index), org_id: owner.org_id, user_id: owner.user_id };
      }
    }
    for (const stored of this.#added) {
      if (stored.row.created_at >= from && stored.row.created_at < end) {
        yield { created: stored.row.created_at, org_id: stored.row.org_id, user_id: stored.row.user_id };
      }
    }
  }

  touch(sessionId: string, changes: SessionChanges, now: number): StoredSession {
    const current = this.resolve(sessionId, now);
    if (current === undefined) throw new Error(`simulator: no session ${JSON.stringify(sessionId)} (yet)`);
    // Messages as of the new updated_at (a running session's later messages become visible).
    const later: ResolvedSession = { stored: { ...current.stored, row: { ...current.stored.row, updated_at: now } }, index: current.index };
    const next = touched(current.stored, changes, now, this.messages(later));
    if (current.index === undefined) {
      this.#added[this.#added.indexOf(current.stored)] = next;
      this.#addedById.set(sessionId, next);
    } else {
      if (!this.#touched.has(current.index)) this.#touchedIndexes = [...this.#touchedIndexes, current.index].sort((a, b) => a - b);
      this.#touched.set(current.index, next);
    }
    this.version++;
    return next;
  }

  add(input: NewSession, now: number): StoredSession {
    const ordinal = this.#added.length;
    const sessionId = input.session_id ?? `devin-${hex8(hashInts(this.#seed, ordinal, 0xadd))}${hex8(hashInts(this.#seed, ordinal, 0xadd, 1))}added${ordinal.toString(16).padStart(11, '0')}`;
    if (sessionId === '') throw new Error('simulator: session_id must not be empty');
    if (this.#addedById.has(sessionId) || indexOfSessionId(this.#seed, sessionId) !== undefined) {
      throw new Error(`simulator: session ${JSON.stringify(sessionId)} already exists`);
    }
    const orgId = input.org_id ?? this.#orgs[0]!;
    const stored = added(input, sessionId, orgId, now, ADDED_TIE_BASE + ordinal);
    let at = this.#added.length;
    while (at > 0 && compareKeys(this.#added[at - 1]!.key, stored.key) > 0) at--;
    this.#added.splice(at, 0, stored);
    this.#addedById.set(sessionId, stored);
    this.version++;
    return stored;
  }
}
