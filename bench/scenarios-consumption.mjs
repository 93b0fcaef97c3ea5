// The consumption scenario of bench/run.mjs (issue 15.3): the consumption streams beyond members —
// daily_consumption_totals, daily_consumption_by_organization, daily_consumption_by_service_user
// (fan-outs over the organization and service-user directories, inactive service users included)
// and consumption_cycles — at a small and a large enterprise, every day of the history, against the
// bare loop over the same requests. See bench/stream-read.mjs. connector ÷ floor is shown, the
// targets are requests ÷ minimum and flat peak RSS (connector ÷ floor is one for the all read).
import { streamReport, streamScenario } from './stream-read.mjs';

export const CONSUMPTION = {
  name: 'consumption',
  title: 'Consumption streams beyond members',
  streams: ['daily_consumption_totals', 'daily_consumption_by_organization', 'daily_consumption_by_service_user', 'consumption_cycles'],
  sizes: [
    { label: 'small', members: 50, days: 30, orgs: 2, sessions: 0 },
    { label: 'large', members: 50, days: 365, orgs: 200, sessions: 0 },
  ],
};

export const consumptionScenario = (options) => streamScenario(CONSUMPTION, options);
export const consumptionReport = streamReport;
