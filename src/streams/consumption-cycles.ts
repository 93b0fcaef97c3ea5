/**
 * consumption_cycles: every billing cycle the API lists (not cut to start_date…end_date), as
 * date-times and as the billing days they span (SPEC §5.2).
 */
import { dayOfSeconds, formatDay } from '../devin/billing-day.js';
import { dateTimeOf } from './directory-items.js';
import { RowTyper, isRecord } from './normalize.js';
import { loadSchema, type StreamDeclaration } from './types.js';

export const consumptionCyclesStream: StreamDeclaration = {
  name: 'consumption_cycles',
  description: 'The billing cycles of the enterprise, as date-times and as their first and last billing day.',
  schema: loadSchema('consumption_cycles'),
  primaryKey: [['cycle_start']],
  scopes: ['enterprise'],
  default: true,
  source: {
    kind: 'list',
    endpoint: 'consumptionCycles',
    record: (item, ctx) => {
      if (!isRecord(item) || typeof item.after !== 'number' || !Number.isFinite(item.after)) {
        ctx.skipRow('a billing cycle without a numeric after');
        return undefined;
      }
      const typer = new RowTyper();
      const start = dateTimeOf(item.after, 'cycle_start', typer);
      const before = typer.number(item.before, 'cycle_end');
      const data = {
        cycle_start: start,
        cycle_end: dateTimeOf(before, 'cycle_end', typer),
        first_billing_day: formatDay(dayOfSeconds(seconds(item.after))),
        last_billing_day: before === null ? null : formatDay(dayOfSeconds(seconds(before) - 1)),
      };
      return typer.changes ? { data, changes: typer.changes } : { data };
    },
  },
  endpoints: ['consumptionCycles'],
};

/** Unix seconds, also from milliseconds (SPEC §5). */
function seconds(value: number): number {
  return value > 1e11 ? Math.floor(value / 1000) : value;
}
