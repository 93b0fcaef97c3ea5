/**
 * The simulated Devin tenant: members plus per-(user, day) consumption and PR counts.
 *
 * Cells are derived on demand from (seed, user index, day) and never stored; only mutations
 * (overrides) are kept. History starts at `firstDay` (fixed at construction from the clock) and
 * ends at today, which follows the clock, so advancing a test clock adds days without changing
 * any existing one.
 */
import { dayOfMillis, dayStartSeconds } from '../devin/billing-day.js';
import { rowOfCents, sumInCents, type CentsRow } from './cents.js';
import { daysToVisit } from './day-range.js';
import { SessionData } from './session-data.js';
import { AuditLogData, type AuditLogOptions } from './audit-data.js';
import { ConsumerDirectory, type DirectoryOrganization, type DirectoryServiceUser } from './consumer-directory.js';
import { DEFAULT_KNOWLEDGE_ITEMS, KnowledgeData } from './knowledge-data.js';
import { generateMember, newMember } from './member-generator.js';
import { UsageCells } from './usage-cells.js';
import { addPrCounts, ZERO_PR_COUNTS } from './usage-generator.js';
import type {
  ConsumptionRow,
  ConsumptionValue,
  NewMember,
  PrCounts,
  SimulatedMember,
  SimulatorData,
} from './types.js';

export interface DataSetOptions {
  seed: number;
  members: number;
  days: number;
  orgs: readonly string[];
  now: () => number;
  /** Generated sessions created between the first billing day and the clock at start-up. */
  sessions?: number;
  auditLogs?: AuditLogOptions;
  /** Playbooks, notes and secrets per organization (knowledge-data.ts). */
  knowledgeItems?: number;
}

export class SimulatedDataSet implements SimulatorData {
  readonly #seed: number;
  readonly #orgs: readonly string[];
  readonly #now: () => number;
  readonly #firstDay: number;
  readonly #initialMembers: number;

  #memberList: SimulatedMember[] | undefined;
  #byId = new Map<string, SimulatedMember>();
  #nextIndex: number;
  /** Bumped on every mutation; caches remember the version they were built for. */
  #version = 0;

  readonly #cells: UsageCells;

  #cacheVersion = -1;
  readonly #scopeMembersCache = new Map<string, SimulatedMember[]>();
  readonly #dayConsumptionCache = new Map<string, CentsRow | null>();
  readonly #dayPrCache = new Map<string, PrCounts>();

  constructor(options: DataSetOptions) {
    this.#seed = options.seed;
    this.#orgs = options.orgs;
    this.#now = options.now;
    this.#initialMembers = options.members;
    this.#nextIndex = options.members;
    this.#firstDay = dayOfMillis(options.now()) - options.days + 1;
    this.#cells = new UsageCells(options.seed, (day) => day >= this.#firstDay && day <= this.today());
    this.sessionData = SessionData.create({ ...options, sessions: options.sessions ?? 0, historyStart: dayStartSeconds(this.#firstDay) });
    this.consumers = new ConsumerDirectory({
      seed: options.seed,
      orgs: options.orgs,
      firstDay: this.#firstDay,
      startDay: dayOfMillis(options.now()),
      activeServiceUsers: (orgId) => this.sessionData.serviceUsers(orgId),
    });
    this.auditLogs = new AuditLogData({ ...options.auditLogs, seed: options.seed, orgs: options.orgs, historyStart: dayStartSeconds(this.#firstDay), now: options.now });
    this.knowledge = new KnowledgeData({ seed: options.seed, orgs: options.orgs, firstDay: this.#firstDay, itemsPerOrg: options.knowledgeItems ?? DEFAULT_KNOWLEDGE_ITEMS });
  }

  /** The enterprise audit log (see audit-data.ts). */
  readonly auditLogs: AuditLogData;

  /** Playbooks, knowledge notes and secrets; see knowledge-data.ts. */
  readonly knowledge: KnowledgeData;

  /** Organizations and service users (listed, consuming); see consumer-directory.ts. */
  readonly consumers: ConsumerDirectory;

  /** A service user created while the simulator runs: listed and consuming from the first day. */
  addServiceUser(orgId: string, serviceUserId: string, name?: string): DirectoryServiceUser {
    const user = this.consumers.addServiceUser(orgId, serviceUserId, name);
    this.#version++;
    return user;
  }

  /** An organization created while the simulator runs (see ConsumerDirectory.addOrganization). */
  addOrganization(orgId: string, name?: string): DirectoryOrganization {
    const org = this.consumers.addOrganization(orgId, name);
    this.#version++;
    return org;
  }

  /** One service user's rows, as `/consumption/daily/service-users/{id}` serves them. */
  serviceUserConsumptionRows(serviceUserId: string, fromDay: number, toDay: number): ConsumptionRow[] {
    const user = this.consumers.serviceUser(serviceUserId);
    if (user === undefined) return [];
    const rows: ConsumptionRow[] = [];
    for (const day of daysToVisit(fromDay, toDay, this.#firstDay, this.today(), [])) {
      const cell = this.consumers.consumption(user, day);
      if (cell !== null) rows.push({ date: dayStartSeconds(day), acus: cell.acus, acus_by_product: { ...cell.acus_by_product } });
    }
    return rows;
  }

  /** Sessions, their messages and insights, active users (see session-data.ts). */
  readonly sessionData: SessionData;

  get orgs(): readonly string[] {
    return this.#orgs;
  }

  today(): number {
    return dayOfMillis(this.#now());
  }

  firstDay(): number {
    return this.#firstDay;
  }

  /** Members are generated on first use, not at start-up (cheap, but start-up must be instant). */
  #all(): SimulatedMember[] {
    if (this.#memberList === undefined) {
      const list: SimulatedMember[] = [];
      for (let index = 0; index < this.#initialMembers; index++) {
        const member = generateMember(this.#seed, index, this.#orgs);
        list.push(member);
        this.#byId.set(member.user_id, member);
      }
      this.#memberList = list;
    }
    return this.#memberList;
  }

  #freshCaches(): void {
    if (this.#cacheVersion === this.#version) return;
    this.#scopeMembersCache.clear();
    this.#dayConsumptionCache.clear();
    this.#dayPrCache.clear();
    this.#cacheVersion = this.#version;
  }

  members(scopeOrgId?: string | null): SimulatedMember[] {
    this.#freshCaches();
    const cacheKey = scopeOrgId ?? '';
    let cached = this.#scopeMembersCache.get(cacheKey);
    if (cached === undefined) {
      const all = this.#all();
      cached = scopeOrgId == null ? all.slice() : all.filter((member) => member.org_ids.includes(scopeOrgId));
      this.#scopeMembersCache.set(cacheKey, cached);
    }
    return cached.slice();
  }

  member(userId: string): SimulatedMember | undefined {
    this.#all();
    return this.#byId.get(userId);
  }

  #requireMember(userId: string): SimulatedMember {
    const member = this.member(userId);
    if (member === undefined) throw new Error(`simulator: no member with user_id ${JSON.stringify(userId)}`);
    return member;
  }

  consumptionRows(userId: string, fromDay: number, toDay: number, orgId?: string | null): ConsumptionRow[] {
    const member = this.member(userId);
    if (member === undefined) return [];
    if (orgId != null && member.home_org_id !== orgId) return [];
    const overrideDays = this.#cells.consumptionOverrideDaysOf(userId);
    const rows: ConsumptionRow[] = [];
    for (const day of daysToVisit(fromDay, toDay, this.#firstDay, this.today(), overrideDays)) {
      const cell = this.#cells.consumption(member, day);
      if (cell !== null) {
        rows.push({ date: dayStartSeconds(day), acus: cell.acus, acus_by_product: { ...cell.acus_by_product } });
      }
    }
    return rows;
  }

  /** Users whose consumption and PRs count for the scope: everyone, or those whose home is the org. */
  #attributedMembers(orgId: string | null | undefined): SimulatedMember[] {
    const all = this.members(orgId ?? null);
    return orgId == null ? all : all.filter((member) => member.home_org_id === orgId);
  }

  /** Whole-scope consumption per day (the `/consumption/daily` endpoints without a user). */
  scopeConsumptionRows(fromDay: number, toDay: number, orgId?: string | null): ConsumptionRow[] {
    this.#freshCaches();
    const today = this.today();
    const rows: ConsumptionRow[] = [];
    for (const day of daysToVisit(fromDay, toDay, this.#firstDay, today, this.#cells.consumptionOverrideDays)) {
      const cacheKey = `${orgId ?? ''}\u0000${day}`;
      let sum = this.#dayConsumptionCache.get(cacheKey);
      if (sum === undefined) {
        sum = this.#sumConsumptionOfDay(day, orgId);
        if (day <= today) this.#dayConsumptionCache.set(cacheKey, sum);
      }
      if (sum !== null) rows.push(rowOfCents(day, sum));
    }
    return rows;
  }

  /** Members whose home is in the scope plus the scope's service users (what the API bills). */
  #sumConsumptionOfDay(day: number, orgId: string | null | undefined): CentsRow | null {
    return sumInCents([
      ...this.#attributedMembers(orgId).map((member) => this.#cells.consumption(member, day)),
      ...this.consumers.serviceUsers(orgId ?? null).map((user) => this.consumers.consumption(user, day)),
    ]);
  }

  prCounts(userIds: string[] | null, fromDay: number, toDay: number, orgId?: string | null): PrCounts {
    const total = { ...ZERO_PR_COUNTS };
    const today = this.today();
    const days = daysToVisit(fromDay, toDay, this.#firstDay, today, this.#cells.prOverrideDays);
    if (userIds === null) {
      for (const day of days) addPrCounts(total, this.#scopeDayPrCounts(day, orgId, today));
      return total;
    }
    for (const userId of new Set(userIds)) {
      const member = this.member(userId);
      if (member === undefined || (orgId != null && member.home_org_id !== orgId)) continue;
      for (const day of days) {
        const cell = this.#cells.prCounts(member, day);
        if (cell !== null) addPrCounts(total, cell);
      }
    }
    return total;
  }

  #scopeDayPrCounts(day: number, orgId: string | null | undefined, today: number): PrCounts {
    this.#freshCaches();
    const cacheKey = `${orgId ?? ''}\u0000${day}`;
    const cached = this.#dayPrCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const sum = { ...ZERO_PR_COUNTS };
    for (const member of this.#attributedMembers(orgId)) {
      const cell = this.#cells.prCounts(member, day);
      if (cell !== null) addPrCounts(sum, cell);
    }
    if (day <= today) this.#dayPrCache.set(cacheKey, sum);
    return sum;
  }

  setConsumption(userId: string, day: number, row: ConsumptionValue | null): void {
    this.#requireMember(userId);
    this.#cells.setConsumption(userId, day, row);
    this.#version++;
  }

  setPrCounts(userId: string, day: number, counts: Partial<PrCounts>): void {
    this.#requireMember(userId);
    this.#cells.setPrCounts(userId, day, counts);
    this.#version++;
  }

  addMember(input: NewMember): SimulatedMember {
    if (input.user_id === '') throw new Error('simulator: user_id must not be empty');
    if (this.member(input.user_id) !== undefined) {
      throw new Error(`simulator: member ${JSON.stringify(input.user_id)} already exists`);
    }
    const member = newMember(input, this.#nextIndex++, this.#orgs[0]!);
    this.#all().push(member);
    this.#byId.set(member.user_id, member);
    this.#version++;
    return member;
  }

  removeMember(userId: string): void {
    const member = this.#requireMember(userId);
    const list = this.#all();
    list.splice(list.indexOf(member), 1);
    this.#byId.delete(userId);
    this.#version++;
  }

  // ---- sessions (delegated, so `sim.data` is the one place tests read and change data) ----
  sessions: SessionData['sessions'] = (scopeOrgId) => this.sessionData.sessions(scopeOrgId);
  session: SessionData['session'] = (sessionId) => this.sessionData.session(sessionId);
  sessionInsights: SessionData['sessionInsights'] = (sessionId) => this.sessionData.sessionInsights(sessionId);
  sessionMessages: SessionData['sessionMessages'] = (sessionId) => this.sessionData.sessionMessages(sessionId);
  sessionPullRequests: SessionData['sessionPullRequests'] = (sessionId) => this.sessionData.sessionPullRequests(sessionId);
  serviceUsers: SessionData['serviceUsers'] = (orgId) => this.sessionData.serviceUsers(orgId);
  touchSession: SessionData['touchSession'] = (sessionId, changes) => this.sessionData.touchSession(sessionId, changes);
  addSession: SessionData['addSession'] = (input) => this.sessionData.addSession(input);
  activeUsers: SessionData['activeUsers'] = (period, after, before, options) => this.sessionData.activeUsers(period, after, before, options);
}
