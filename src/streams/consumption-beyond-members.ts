/**
 * The consumption streams beyond members (SPEC §5.2): the scope's total per billing day, and the
 * enterprise's consumption per organization and per service user (fan-outs over those
 * directories). Windows of up to window_days billing days, as daily_consumption.
 */
import { dayStartSeconds } from '../devin/billing-day.js';
import type { ApiRequest } from '../devin/client.js';
import { endpointPath, type EndpointName } from '../devin/endpoints.js';
import { consumptionRowRecords } from './consumption-rows.js';
import { loadSchema, type DayRange, type PartitionRef, type PlanContext, type StreamDeclaration } from './types.js';

function windowRequest(endpoint: EndpointName, range: DayRange, ctx: PlanContext, id?: string): ApiRequest {
  return {
    path: endpointPath(ctx.scope, endpoint, id),
    query: [
      ['time_after', dayStartSeconds(range.from)],
      ['time_before', dayStartSeconds(range.to + 1)],
    ],
  };
}

function partitionOf(partition: PartitionRef | undefined, stream: string): PartitionRef {
  if (!partition) throw new Error(`${stream} runs per partition`);
  return partition;
}

export const dailyConsumptionTotalsStream: StreamDeclaration = {
  name: 'daily_consumption_totals',
  description: 'ACUs the whole scope consumed per billing day (members, service users and anything else billed).',
  schema: loadSchema('daily_consumption_totals'),
  primaryKey: [['date']],
  scopes: ['enterprise', 'organization'],
  default: true,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'scopeConsumption',
    span: 'window',
    request: (range, _partition, ctx) => windowRequest('scopeConsumption', range, ctx),
    records: (body, range, _partition, ctx) =>
      consumptionRowRecords(body, { head: {}, orgId: ctx.orgId, label: 'the scope' }, range, ctx),
  },
  endpoints: ['scopeConsumption'],
};

export const dailyConsumptionByOrganizationStream: StreamDeclaration = {
  name: 'daily_consumption_by_organization',
  description: 'ACUs each organization of the enterprise consumed per billing day.',
  schema: loadSchema('daily_consumption_by_organization'),
  primaryKey: [['org_id'], ['date']],
  scopes: ['enterprise'],
  default: true,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'organizationConsumption',
    partitions: 'organizations',
    span: 'window',
    request: (range, org, ctx) => windowRequest('organizationConsumption', range, ctx, partitionOf(org, 'daily_consumption_by_organization').id),
    // org_id is the organization of the row here, not the scope's (SPEC §5.2).
    records: (body, range, org, ctx) =>
      consumptionRowRecords(body, { head: {}, orgId: partitionOf(org, 'daily_consumption_by_organization').id, label: 'an organization' }, range, ctx),
  },
  endpoints: ['organizations', 'organizationConsumption'],
};

export const dailyConsumptionByServiceUserStream: StreamDeclaration = {
  name: 'daily_consumption_by_service_user',
  description: 'ACUs each service user of the enterprise (inactive ones included) consumed per billing day.',
  schema: loadSchema('daily_consumption_by_service_user'),
  primaryKey: [['service_user_id'], ['date']],
  scopes: ['enterprise'],
  default: true,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'serviceUserConsumption',
    partitions: 'service_users',
    span: 'window',
    request: (range, user, ctx) => windowRequest('serviceUserConsumption', range, ctx, partitionOf(user, 'daily_consumption_by_service_user').id),
    records: (body, range, user, ctx) => {
      const { id, fields } = partitionOf(user, 'daily_consumption_by_service_user');
      const name = typeof fields.name === 'string' ? fields.name : null;
      return consumptionRowRecords(
        body,
        { head: { service_user_id: id, service_user_name: name }, orgId: ctx.orgId, label: 'a service user' },
        range,
        ctx,
      );
    },
  },
  endpoints: ['serviceUsers', 'serviceUserConsumption'],
};
