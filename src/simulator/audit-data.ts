/**
 * The simulated enterprise audit log (`/v3/enterprise/audit-logs`): entries generated from the seed
 * on a fixed grid of moments (a steady number per day, counted from the Unix epoch), so the entries of
 * a given time range are the same whatever the clock and the history length (the acceptance fixtures
 * rely on that). Served: the entries from the first billing day's start to the clock (more arrive as
 * the clock advances). v3 does not document
 * the unit of `created_at` (v1/v2 sent milliseconds), so a configurable share of entries carries
 * milliseconds and the rest seconds: one data set holds both, as a connector must expect.
 *
 * Entries are immutable, so the list is cheap to keep: generated on first use, extended as the
 * clock moves, plus the entries a test adds.
 */
import { hashInts, hex8, unitOf } from './hash.js';

export interface AuditLogOptions {
  /** Generated entries per day (a whole number or not); default 5. */
  perDay?: number;
  /** Share (0–1) of generated entries whose `created_at` is in milliseconds; default 0.3. */
  millisecondsFraction?: number;
  /** Default false; true = the list ignores time_after/time_before (also settable on `sim.data.auditLogs`). */
  ignoreTimeFilters?: boolean;
}

/** One entry as the API serves it; `created_at` is Unix seconds or milliseconds. */
export interface AuditLogRow {
  audit_log_id: string;
  action: string;
  created_at: number;
  org_id: string | null;
  user_id: string | null;
  user_email: string | null;
  service_user_id: string | null;
  service_user_name: string | null;
  data: Record<string, unknown>;
}

/** The record a correct connector emits for an entry (created_at as `YYYY-MM-DDTHH:MM:SSZ`). */
export type AuditLogRecord = Omit<AuditLogRow, 'created_at'> & { created_at: string };

/** An entry and the moment it happened (epoch ms), which orders the list. */
export interface StoredAuditLog {
  row: AuditLogRow;
  ms: number;
}

const ACTIONS = ['login', 'create_session', 'send_message', 'terminate_session', 'create_secret', 'create_playbook', 'update_org_settings', 'search_query'] as const;

/** Epoch ms of an API `created_at` (above 10^11 it is milliseconds, as the connector reads it). */
export function auditLogMillis(createdAt: number): number {
  return createdAt > 1e11 ? createdAt : createdAt * 1000;
}

/** Orders entries by time, then id (the API's `order=asc`). */
export function compareAuditLogs(a: StoredAuditLog, b: StoredAuditLog): number {
  return a.ms - b.ms || (a.row.audit_log_id < b.row.audit_log_id ? -1 : a.row.audit_log_id > b.row.audit_log_id ? 1 : 0);
}

export class AuditLogData {
  /** The list ignores its time filters (SPEC §12), as an API that does not know them would. */
  ignoreTimeFilters: boolean;
  readonly #seed: number;
  readonly #orgs: readonly string[];
  readonly #now: () => number;
  readonly #startMs: number;
  readonly #spacingMs: number;
  readonly #msFraction: number;
  readonly #generated: StoredAuditLog[] = [];
  /** The grid slot of the first generated entry (the one the history starts in). */
  readonly #firstIndex: number;
  readonly #added: StoredAuditLog[] = [];

  constructor(options: AuditLogOptions & { seed: number; orgs: readonly string[]; historyStart: number; now: () => number }) {
    const perDay = options.perDay ?? 5;
    const fraction = options.millisecondsFraction ?? 0.3;
    if (!(perDay >= 0 && perDay <= 86_400_000)) throw new Error(`simulator: auditLogs.perDay must be between 0 and 86400000, got ${String(perDay)}`);
    if (!(fraction >= 0 && fraction <= 1)) throw new Error(`simulator: auditLogs.millisecondsFraction must be between 0 and 1, got ${String(fraction)}`);
    this.#seed = options.seed;
    this.#orgs = options.orgs;
    this.#now = options.now;
    this.#startMs = options.historyStart * 1000;
    this.#msFraction = fraction;
    this.#spacingMs = perDay === 0 ? Infinity : 86_400_000 / perDay;
    this.#firstIndex = perDay === 0 ? 0 : Math.floor(this.#startMs / this.#spacingMs);
    this.ignoreTimeFilters = options.ignoreTimeFilters ?? false;
  }

  /** Every entry the clock has passed, oldest first (ties by id). */
  entries(): StoredAuditLog[] {
    const now = this.#now();
    for (let index = this.#firstIndex + this.#generated.length; ; index++) {
      const entry = this.#generate(index);
      if (entry === undefined || entry.ms > now) break;
      this.#generated.push(entry);
    }
    return [...this.#generated.filter((entry) => entry.ms >= this.#startMs), ...this.#added].filter((entry) => entry.ms <= now).sort(compareAuditLogs);
  }

  /** The rows as the API serves them (copies). */
  rows(): AuditLogRow[] {
    return this.entries().map((entry) => structuredClone(entry.row));
  }

  /** An entry a test wants at an exact moment (`created_at` in either unit). */
  add(row: AuditLogRow): AuditLogRow {
    if (this.entries().some((entry) => entry.row.audit_log_id === row.audit_log_id)) throw new Error(`simulator: audit log ${row.audit_log_id} already exists`);
    this.#added.push({ row: structuredClone(row), ms: auditLogMillis(row.created_at) });
    return row;
  }

  /** Ground truth: the records of the entries in [start, end) (Unix seconds), oldest first. */
  truth(range: { start: number; end: number }): AuditLogRecord[] {
    return this.entries()
      .filter((entry) => entry.ms >= range.start * 1000 && entry.ms < range.end * 1000)
      .map((entry) => ({ ...structuredClone(entry.row), created_at: `${new Date(Math.floor(entry.ms / 1000) * 1000).toISOString().slice(0, 19)}Z` }));
  }

  #generate(index: number): StoredAuditLog | undefined {
    if (!Number.isFinite(this.#spacingMs)) return undefined;
    const h = (salt: number) => hashInts(this.#seed, index, 0xa0d1, salt);
    const ms = Math.floor((index + unitOf(h(1))) * this.#spacingMs);
    const inMillis = unitOf(h(2)) < this.#msFraction;
    // A seconds entry happened on a whole second; a milliseconds one keeps its fraction.
    const at = inMillis ? ms : Math.floor(ms / 1000) * 1000;
    const byServiceUser = unitOf(h(3)) < 0.3;
    const orgPick = h(4) % (this.#orgs.length + 1);
    const org = orgPick < this.#orgs.length ? (this.#orgs[orgPick] as string) : null;
    const who = hex8(h(5));
    const action = ACTIONS[h(6) % ACTIONS.length] as string;
    const row: AuditLogRow = {
      audit_log_id: `audit-${hex8(h(0))}-${index}`,
      action,
      created_at: inMillis ? at : at / 1000,
      org_id: org,
      user_id: byServiceUser ? null : `email|${who}`,
      user_email: byServiceUser ? null : `user-${who}@example.com`,
      service_user_id: byServiceUser ? `service-user-${who}` : null,
      service_user_name: byServiceUser ? `ci-bot-${who.slice(0, 4)}` : null,
      data: h(8) % 5 === 0 ? {} : { target_id: `t-${hex8(h(7))}`, details: { slot: index, tags: [action, org] } },
    };
    return { row, ms: at };
  }
}
