/**
 * pr_metrics_by_member: pull-request counts per member per billing day (`user_ids=<member>`, one
 * request each: members × days). A stream of its own, not a setting of pr_metrics, so that primary
 * keys never depend on the config: a destination deduping pr_metrics on `[date]` can never collapse
 * per-member rows (SPEC §5.1).
 */
import { endpointPath } from '../devin/endpoints.js';
import { dayWindow, prRecord } from './pr-metrics.js';
import { loadSchema, type StreamDeclaration } from './types.js';

export const prMetricsByMemberStream: StreamDeclaration = {
  name: 'pr_metrics_by_member',
  description: 'Pull requests Devin created, opened, merged and closed (and took over) per member per billing day.',
  schema: loadSchema('pr_metrics_by_member'),
  primaryKey: [['date'], ['user_id']],
  scopes: ['enterprise', 'organization'],
  default: false,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'prMetrics',
    partitions: 'members',
    span: 'day',
    request: (range, member, ctx) => ({
      path: endpointPath(ctx.scope, 'prMetrics'),
      query: [...dayWindow(range.from), ['user_ids', member?.id ?? '']],
    }),
    records: (body, range, member, ctx) => [prRecord(body, range.from, member?.id ?? null, ctx)],
  },
  endpoints: ['members', 'idpMembers', 'prMetrics'],
};
