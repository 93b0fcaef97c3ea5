/**
 * consumption_cycles: every billing cycle the API lists (not cut to start_date…end_date), as
 * date-times and as the billing days they span (SPEC §5.2).
 */
import { dayOfSeconds, formatDay } from '../devin/billing-day.js';
import { RowTyper, apiTimestamp, isRecord, unixSecondsOf } from './normalize.js';
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
      const start = apiTimestamp(typer, item.after, 'cycle_start');
      const before = typer.number(item.before, 'cycle_end');
      const data = {
        cycle_start: start,
        cycle_end: apiTimestamp(typer, before, 'cycle_end'),
        first_billing_day: formatDay(dayOfSeconds(unixSecondsOf(item.after))),
        last_billing_day: before === null ? null : formatDay(dayOfSeconds(unixSecondsOf(before) - 1)),
      };
      return typer.record(data);
    },
  },
  endpoints: ['consumptionCycles'],
};
