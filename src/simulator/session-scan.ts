/**
 * Walks sessions newest first (created_at descending, then a tie-break) from a keyset position,
 * merging the three places a session can live: generated (by index), generated but touched by a
 * test (a frozen copy), and added by a test. Time bounds become index bounds where they can, so
 * a window over a large data set scans only that window (plus at most one lifetime before it).
 */
import { MAX_LIFETIME_SECONDS, type SessionProgress, type SessionTimeline } from './session-timeline.js';
import type { SessionOwners } from './session-owners.js';
import type { StoredSession } from './session-stored.js';

/** Ties of added sessions start here, above every generated index. */
export const ADDED_TIE_BASE = 0x8000_0000;

export interface SessionKey {
  created: number;
  tie: number;
}

export interface SessionFilter {
  /** null = every org. */
  orgIds: ReadonlySet<string> | null;
  createdAfter?: number;
  createdBefore?: number;
  updatedAfter?: number;
  updatedBefore?: number;
}

/** A session that passed the filter; the row is built only for the ones served. */
export type Candidate =
  | { key: SessionKey; kind: 'generated'; index: number; progress: SessionProgress }
  | { key: SessionKey; kind: 'stored'; stored: StoredSession; index: number | undefined };

export interface ScanSources {
  timeline: SessionTimeline;
  owners: SessionOwners;
  /** Touched generated sessions by index, and their indexes ascending. */
  touched: ReadonlyMap<number, StoredSession>;
  touchedIndexes: readonly number[];
  /** Added sessions, ascending by key. */
  added: readonly StoredSession[];
}

export function compareKeys(a: SessionKey, b: SessionKey): number {
  return a.created - b.created || a.tie - b.tie;
}

function timesMatch(filter: SessionFilter, created: number, updated: number): boolean {
  return (
    (filter.createdAfter === undefined || created >= filter.createdAfter) &&
    (filter.createdBefore === undefined || created < filter.createdBefore) &&
    (filter.updatedAfter === undefined || updated >= filter.updatedAfter) &&
    (filter.updatedBefore === undefined || updated < filter.updatedBefore)
  );
}

function storedMatches(filter: SessionFilter, stored: StoredSession): boolean {
  if (filter.orgIds !== null && !filter.orgIds.has(stored.row.org_id)) return false;
  return timesMatch(filter, stored.row.created_at, stored.row.updated_at);
}

/** Exclusive upper index bound of generated sessions that can match (created <= now, bounds, cursor). */
function upperIndex(sources: ScanSources, filter: SessionFilter, now: number, after: SessionKey | undefined): number {
  const { timeline } = sources;
  let high = timeline.firstIndexAtOrAfter(now + 1);
  if (filter.createdBefore !== undefined) high = Math.min(high, timeline.firstIndexAtOrAfter(filter.createdBefore));
  // created_at <= updated_at, so updated_at < before implies created_at < before.
  if (filter.updatedBefore !== undefined) high = Math.min(high, timeline.firstIndexAtOrAfter(filter.updatedBefore));
  if (after !== undefined) {
    high = Math.min(high, after.tie < ADDED_TIE_BASE ? after.tie : timeline.firstIndexAtOrAfter(after.created + 1));
  }
  return high;
}

function* generated(sources: ScanSources, filter: SessionFilter, now: number, after: SessionKey | undefined): Generator<Candidate> {
  const { timeline, owners, touched } = sources;
  if (timeline.empty) return;
  const high = upperIndex(sources, filter, now, after);
  let low = filter.createdAfter === undefined ? 0 : timeline.firstIndexAtOrAfter(filter.createdAfter);
  if (filter.updatedAfter !== undefined) {
    low = Math.max(low, timeline.firstIndexAtOrAfter(filter.updatedAfter - MAX_LIFETIME_SECONDS));
  }
  for (let index = high - 1; index >= low; index--) {
    if (touched.has(index)) continue;
    const progress = timeline.progress(index, now);
    if (progress === undefined) continue;
    if (!timesMatch(filter, progress.created, progress.created + progress.elapsed)) continue;
    if (filter.orgIds !== null && !filter.orgIds.has(owners.owner(index).org_id)) continue;
    yield { key: { created: progress.created, tie: index }, kind: 'generated', index, progress };
  }
}

function* touchedOnes(sources: ScanSources, filter: SessionFilter, now: number, after: SessionKey | undefined): Generator<Candidate> {
  const high = sources.timeline.empty ? 0 : upperIndex(sources, filter, now, after);
  const indexes = sources.touchedIndexes;
  for (let k = indexes.length - 1; k >= 0; k--) {
    const index = indexes[k]!;
    if (index >= high) continue;
    const stored = sources.touched.get(index)!;
    if (storedMatches(filter, stored)) yield { key: stored.key, kind: 'stored', stored, index };
  }
}

function* addedOnes(sources: ScanSources, filter: SessionFilter, now: number, after: SessionKey | undefined): Generator<Candidate> {
  for (let k = sources.added.length - 1; k >= 0; k--) {
    const stored = sources.added[k]!;
    if (after !== undefined && compareKeys(stored.key, after) >= 0) continue;
    if (stored.row.created_at > now) continue;
    if (storedMatches(filter, stored)) yield { key: stored.key, kind: 'stored', stored, index: undefined };
  }
}

/** Every matching session strictly after `after` (newest first). */
export function* scanSessions(sources: ScanSources, filter: SessionFilter, now: number, after?: SessionKey): Generator<Candidate> {
  const streams = [generated(sources, filter, now, after), touchedOnes(sources, filter, now, after), addedOnes(sources, filter, now, after)];
  const heads = streams.map((stream) => stream.next());
  for (;;) {
    let best = -1;
    for (let s = 0; s < heads.length; s++) {
      const head = heads[s]!;
      if (head.done) continue;
      if (best === -1 || compareKeys(head.value.key, (heads[best] as IteratorYieldResult<Candidate>).value.key) > 0) best = s;
    }
    if (best === -1) return;
    const chosen = heads[best] as IteratorYieldResult<Candidate>;
    heads[best] = streams[best]!.next();
    yield chosen.value;
  }
}
