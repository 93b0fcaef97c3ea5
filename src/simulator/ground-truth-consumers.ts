/**
 * Ground truth of the streams over organizations and service users (SPEC §5.2, §5.4): the
 * directories in id order (as the connector's directories sort them), consumption by partition
 * id then date, totals by date. Enterprise-only streams are empty for an organization key.
 */
import { dayOfSeconds, formatDay } from '../devin/billing-day.js';
import type { SimulatedDataSet } from './data-set.js';
import { billingCycles } from './endpoints/cycles.js';
import type { ConsumptionRow } from './types.js';

export interface ConsumptionTotalRecord {
  date: string;
  acus: number;
  acus_by_product: ConsumptionRow['acus_by_product'];
  org_id: string | null;
  is_partial_day: boolean;
}

export interface ServiceUserConsumptionRecord extends ConsumptionTotalRecord {
  service_user_id: string;
  service_user_name: string;
}

export interface OrganizationRecord {
  org_id: string;
  name: string;
  created_at: string;
  updated_at: string;
  max_session_acu_limit: number | null;
  max_cycle_acu_limit: number | null;
}

export interface ServiceUserRecord {
  service_user_id: string;
  name: string;
  expires_at: string | null;
  deleted_at: string | null;
  role_assignments: unknown[];
}

export interface ConsumptionCycleRecord {
  cycle_start: string;
  cycle_end: string;
  first_billing_day: string;
  last_billing_day: string;
}

export interface ConsumersTruth {
  consumption_cycles: ConsumptionCycleRecord[];
  daily_consumption_totals: ConsumptionTotalRecord[];
  daily_consumption_by_organization: ConsumptionTotalRecord[];
  daily_consumption_by_service_user: ServiceUserConsumptionRecord[];
  organizations: OrganizationRecord[];
  service_users: ServiceUserRecord[];
}

const byId = <T>(id: (item: T) => string) => (a: T, b: T): number => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

function dateTime(seconds: number | null): string | null {
  return seconds === null ? null : `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

export function computeConsumersTruth(data: SimulatedDataSet, scopeOrgId: string | null, startDay: number, endDay: number): ConsumersTruth {
  const today = data.today();
  const rowRecord = (row: ConsumptionRow, orgId: string | null): ConsumptionTotalRecord => ({
    date: formatDay(dayOfSeconds(row.date)),
    acus: row.acus,
    acus_by_product: row.acus_by_product,
    org_id: orgId,
    is_partial_day: dayOfSeconds(row.date) === today,
  });
  const totals = data.scopeConsumptionRows(startDay, endDay, scopeOrgId).map((row) => rowRecord(row, scopeOrgId));
  if (scopeOrgId !== null) {
    return { consumption_cycles: [], daily_consumption_totals: totals, daily_consumption_by_organization: [], daily_consumption_by_service_user: [], organizations: [], service_users: [] };
  }
  const organizations = data.consumers.organizations().sort(byId((org) => org.org_id));
  const users = data.consumers.serviceUsers(null).sort(byId((user) => user.service_user_id));
  return {
    // Every cycle the API lists, whatever the date range (SPEC §5.2).
    consumption_cycles: billingCycles(data).map((cycle) => ({
      cycle_start: dateTime(cycle.after)!,
      cycle_end: dateTime(cycle.before)!,
      first_billing_day: formatDay(dayOfSeconds(cycle.after)),
      last_billing_day: formatDay(dayOfSeconds(cycle.before - 1)),
    })),
    daily_consumption_totals: totals,
    daily_consumption_by_organization: organizations.flatMap((org) =>
      data.scopeConsumptionRows(startDay, endDay, org.org_id).map((row) => rowRecord(row, org.org_id)),
    ),
    daily_consumption_by_service_user: users.flatMap((user) =>
      data.serviceUserConsumptionRows(user.service_user_id, startDay, endDay).map((row) => ({
        service_user_id: user.service_user_id,
        service_user_name: user.name,
        ...rowRecord(row, null),
      })),
    ),
    organizations: organizations.map((org) => ({ ...org, created_at: dateTime(org.created_at)!, updated_at: dateTime(org.updated_at)! })),
    service_users: users.map((user) => ({
      service_user_id: user.service_user_id,
      name: user.name,
      expires_at: dateTime(user.expires_at),
      deleted_at: dateTime(user.deleted_at),
      role_assignments: user.role_assignments,
    })),
  };
}
