/**
 * The records a correct connector emits for a key and date range: the oracle the acceptance
 * tests compare the connector's output with. Built from the data set directly (not via HTTP),
 * with the same shapes as schemas/*.json.
 *
 * Order: members in the order a connector meets them (direct listing, then IdP-only members in
 * idp listing order); consumption by member then date; PR metrics by date (then member); the
 * sessions family and active_users as ground-truth-sessions.ts says.
 */
import { dayOfSeconds, dayStartSeconds, formatDay, parseDay } from '../devin/billing-day.js';
import { computeConsumersTruth } from './ground-truth-consumers.js';
import { computeKnowledgeTruth } from './ground-truth-knowledge.js';
import { computeSessionsTruth } from './ground-truth-sessions.js';
import { KEY_ENTERPRISE } from './keys.js';
import { idpRoleAssignmentsOf, isDirect, isIdp, roleAssignmentsOf } from './member-views.js';
import type { SimulatedDataSet } from './data-set.js';
import type {
  ConsumptionRecord,
  GroundTruth,
  GroundTruthQuery,
  MemberRecord,
  PrCounts,
  PrMetricsRecord,
  SimulatedMember,
  SimulatorKey,
} from './types.js';

export interface GroundTruthSource {
  data: SimulatedDataSet;
  keys: Readonly<Record<string, SimulatorKey>>;
  prTakenOverFields: boolean;
}

function requireDay(text: string, name: string): number {
  const day = parseDay(text);
  if (day === undefined) throw new Error(`simulator groundTruth: ${name} ${JSON.stringify(text)} is not a YYYY-MM-DD date`);
  return day;
}

function scopeOf(source: GroundTruthSource, keyName: string): string | null {
  const key = Object.hasOwn(source.keys, keyName) ? source.keys[keyName] : undefined;
  if (key === undefined) throw new Error(`simulator groundTruth: unknown key ${JSON.stringify(keyName)}`);
  if (key.scope === 'enterprise') return null;
  if (key.orgId === undefined) throw new Error(`simulator groundTruth: organization key ${keyName} has no orgId`);
  return key.orgId;
}

function memberRecords(members: SimulatedMember[], scopeOrgId: string | null, includeIdp: boolean): MemberRecord[] {
  const record = (member: SimulatedMember): MemberRecord => ({
    user_id: member.user_id,
    email: member.email,
    name: member.name,
    role_assignments: isDirect(member) ? roleAssignmentsOf(member, scopeOrgId) : [],
    idp_role_assignments: includeIdp && isIdp(member) ? idpRoleAssignmentsOf(member, scopeOrgId) : null,
    org_id: scopeOrgId,
  });
  const direct = members.filter(isDirect).map(record);
  if (!includeIdp) return direct;
  return [...direct, ...members.filter((member) => !isDirect(member)).map(record)];
}

function prRecord(
  date: string,
  userId: string | null,
  orgId: string | null,
  counts: PrCounts,
  withTakenOver: boolean,
  isPartialDay: boolean,
): PrMetricsRecord {
  return {
    date,
    user_id: userId,
    org_id: orgId,
    prs_created_count: counts.prs_created_count,
    prs_opened_count: counts.prs_opened_count,
    prs_merged_count: counts.prs_merged_count,
    prs_closed_count: counts.prs_closed_count,
    prs_taken_over_count: withTakenOver ? counts.prs_taken_over_count : null,
    prs_taken_over_opened_count: withTakenOver ? counts.prs_taken_over_opened_count : null,
    prs_taken_over_merged_count: withTakenOver ? counts.prs_taken_over_merged_count : null,
    prs_taken_over_closed_count: withTakenOver ? counts.prs_taken_over_closed_count : null,
    is_partial_day: isPartialDay,
  };
}

export function computeGroundTruth(source: GroundTruthSource, query: GroundTruthQuery): GroundTruth {
  const scopeOrgId = scopeOf(source, query.key ?? KEY_ENTERPRISE);
  const startDay = requireDay(query.startDate, 'startDate');
  const endDay = requireDay(query.endDate, 'endDate');
  const includeIdp = query.includeIdpUsers ?? true;
  const today = source.data.today();

  const members = memberRecords(source.data.members(scopeOrgId), scopeOrgId, includeIdp);

  const dailyConsumption: ConsumptionRecord[] = [];
  for (const member of members) {
    for (const row of source.data.consumptionRows(member.user_id, startDay, endDay, scopeOrgId)) {
      dailyConsumption.push({
        user_id: member.user_id,
        email: member.email,
        date: formatDay(dayOfSeconds(row.date)),
        acus: row.acus,
        acus_by_product: row.acus_by_product,
        org_id: scopeOrgId,
        is_partial_day: dayOfSeconds(row.date) === today,
      });
    }
  }

  const prMetrics: PrMetricsRecord[] = [];
  const prMetricsByMember: PrMetricsRecord[] = [];
  for (let day = startDay; day <= endDay; day++) {
    const date = formatDay(day);
    const partial = day === today;
    prMetrics.push(prRecord(date, null, scopeOrgId, source.data.prCounts(null, day, day, scopeOrgId), source.prTakenOverFields, partial));
    for (const member of members) {
      const counts = source.data.prCounts([member.user_id], day, day, scopeOrgId);
      prMetricsByMember.push(prRecord(date, member.user_id, scopeOrgId, counts, source.prTakenOverFields, partial));
    }
  }

  const readStart = query.readStart ?? source.data.sessionData.nowSeconds();
  const range = query.sessionsRange ?? { start: dayStartSeconds(startDay), end: Math.min(dayStartSeconds(endDay + 1), readStart) };
  const sessions = computeSessionsTruth(source.data, { scopeOrgId, startDay, endDay, readStart, range });
  return {
    members,
    daily_consumption: dailyConsumption,
    pr_metrics: prMetrics,
    pr_metrics_by_member: prMetricsByMember,
    ...sessions,
    ...computeConsumersTruth(source.data, scopeOrgId, startDay, endDay),
    audit_logs: scopeOrgId === null ? source.data.auditLogs.truth(range) : [],
    ...computeKnowledgeTruth(source.data.knowledge, scopeOrgId),
  };
}
