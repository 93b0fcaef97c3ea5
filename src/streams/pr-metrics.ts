/**
 * pr_metrics: pull-request counts per billing day for the whole scope. The API returns counts for a
 * time window, so each request covers exactly one billing day: time_after = D 08:00Z, time_before =
 * D+1 08:00Z. pr_metrics_by_member (./pr-metrics-by-member.ts) asks the same per member.
 */
import { dayStartSeconds } from '../devin/billing-day.js';
import { endpointPath } from '../devin/endpoints.js';
import { ResponseShapeError } from '../devin/errors.js';
import type { PrMetricsRecord } from './records.generated.js';
import { RowTyper, dayLabel, isRecord, type NormalizedRecord } from './normalize.js';
import { loadSchema, type PlanContext, type StreamDeclaration } from './types.js';
import type { QueryParams } from '../devin/client.js';

export const prMetricsStream: StreamDeclaration = {
  name: 'pr_metrics',
  description: 'Pull requests Devin created, opened, merged and closed (and took over) per billing day, for the whole scope.',
  schema: loadSchema('pr_metrics'),
  primaryKey: [['date']],
  scopes: ['enterprise', 'organization'],
  default: true,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'prMetrics',
    span: 'day',
    request: (range, _partition, ctx) => ({ path: endpointPath(ctx.scope, 'prMetrics'), query: dayWindow(range.from) }),
    records: (body, range, _partition, ctx) => [prRecord(body, range.from, null, ctx)],
  },
  endpoints: ['prMetrics'],
};

export function dayWindow(day: number): QueryParams {
  return [
    ['time_after', dayStartSeconds(day)],
    ['time_before', dayStartSeconds(day + 1)],
  ];
}

const COUNT_FIELDS = [
  'prs_created_count',
  'prs_opened_count',
  'prs_merged_count',
  'prs_closed_count',
  'prs_taken_over_count',
  'prs_taken_over_opened_count',
  'prs_taken_over_merged_count',
  'prs_taken_over_closed_count',
] as const;

export function prRecord(body: unknown, day: number, userId: string | null, ctx: PlanContext): NormalizedRecord {
  if (!isRecord(body)) throw new ResponseShapeError(`PR metrics came back as ${Array.isArray(body) ? 'an array' : typeof body}, not an object`);
  const typer = new RowTyper();
  const data: PrMetricsRecord = { date: dayLabel(day), user_id: userId, org_id: ctx.orgId };
  for (const field of COUNT_FIELDS) data[field] = typer.integer(body[field], field);
  data.is_partial_day = day === ctx.today;
  return typer.record(data);
}
