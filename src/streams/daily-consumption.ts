/**
 * daily_consumption: ACUs per member per billing day. One request per member per window of billing
 * days (`window_days`), stamped from each row's own `date`, with the member's email joined in.
 */
import { dayStartSeconds } from '../devin/billing-day.js';
import { endpointPath } from '../devin/endpoints.js';
import { ResponseShapeError } from '../devin/errors.js';
import type { DailyConsumptionRecord } from './records.generated.js';
import { typedConsumptionRows } from './consumption-rows.js';
import { dayLabel, isRecord, jsonNumber, type NormalizedRecord } from './normalize.js';
import { loadSchema, type DayRange, type PartitionRef, type PlanContext, type StreamDeclaration } from './types.js';

export const dailyConsumptionStream: StreamDeclaration = {
  name: 'daily_consumption',
  description: 'ACUs each member consumed per billing day (08:00 UTC to 08:00 UTC), by product.',
  schema: loadSchema('daily_consumption'),
  primaryKey: [['user_id'], ['date']],
  scopes: ['enterprise', 'organization'],
  default: true,
  cursor: { kind: 'billing-day', field: 'date' },
  source: {
    kind: 'day-windows',
    endpoint: 'userConsumption',
    partitions: 'members',
    span: 'window',
    request: (range, member, ctx) => ({
      path: endpointPath(ctx.scope, 'userConsumption', member?.id),
      query: [
        ['time_after', dayStartSeconds(range.from)],
        ['time_before', dayStartSeconds(range.to + 1)],
      ],
    }),
    records: (body, range, member, ctx) => consumptionRecords(body, memberRef(member), range, ctx),
  },
  endpoints: ['members', 'idpMembers', 'userConsumption'],
};

/** What a consumption row copies from its member. */
export interface MemberRef {
  user_id: string;
  email: string | null;
}

function memberRef(partition: PartitionRef | undefined): MemberRef {
  if (!partition) throw new Error('daily_consumption runs per member');
  const email = partition.fields.email;
  return { user_id: partition.id, email: typeof email === 'string' ? email : null };
}

export function consumptionRecords(body: unknown, member: MemberRef, range: DayRange, ctx: PlanContext): NormalizedRecord[] {
  const rows = isRecord(body) ? body.consumption_by_date : undefined;
  if (!Array.isArray(rows)) {
    throw new ResponseShapeError(
      `consumption for a member came back without a consumption_by_date array (${describe(body)})`,
    );
  }
  // Every record of one answer shares the member and the org: their JSON is written once here.
  const head = `{"user_id":${JSON.stringify(member.user_id)},"email":${JSON.stringify(member.email)},"date":"`;
  const tail = `,"org_id":${JSON.stringify(ctx.orgId)},"is_partial_day":`;
  return typedConsumptionRows(rows, range, ctx).map(({ day, acus, byProduct, changes }): NormalizedRecord => {
    const date = dayLabel(day);
    // Same keys in the same order as `json` below (a test holds them equal to JSON.stringify).
    const data: DailyConsumptionRecord = {
      user_id: member.user_id,
      email: member.email,
      date,
      acus,
      acus_by_product: byProduct,
      org_id: ctx.orgId,
      is_partial_day: day === ctx.today,
    };
    const json =
      `${head}${date}","acus":${jsonNumber(acus)},"acus_by_product":` +
      (byProduct === null
        ? 'null'
        : `{"devin":${jsonNumber(byProduct.devin)},"cascade":${jsonNumber(byProduct.cascade)},` +
          `"terminal":${jsonNumber(byProduct.terminal)},"review":${jsonNumber(byProduct.review)}}`) +
      tail +
      (day === ctx.today ? 'true}' : 'false}');
    return changes ? { data, changes, json } : { data, json };
  });
}

function describe(body: unknown): string {
  if (Array.isArray(body)) return 'an array';
  if (isRecord(body)) return `keys: ${Object.keys(body).slice(0, 5).join(', ') || 'none'}`;
  return typeof body;
}
