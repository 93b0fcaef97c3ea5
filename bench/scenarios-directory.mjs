// The directory scenario of bench/run.mjs (issue 15.3): members, organizations and service_users
// (each directory listed once, 200 per page), at a small and a large enterprise, against the bare
// loop over the same pages. See bench/stream-read.mjs. The large size is the bench's largest
// enterprise (10,000 members, as in the throughput scenario): the member directory is held in
// memory for the fan-outs (≈ 1.5 KB per member), so at 50,000 members peak RSS is ≈ 180 MB.
// These reads are a few dozen requests: connector ÷ floor is mostly start-up, so it is shown but
// is no target here (it is one for the all-default-streams read).
import { streamReport, streamScenario } from './stream-read.mjs';

export const DIRECTORY = {
  name: 'directory',
  title: 'Directory streams',
  streams: ['members', 'organizations', 'service_users'],
  sizes: [
    { label: 'small', members: 200, days: 1, orgs: 2, sessions: 0 },
    { label: 'large', members: 10_000, days: 1, orgs: 200, sessions: 0 },
  ],
};

export const directoryScenario = (options) => streamScenario(DIRECTORY, options);
export const directoryReport = streamReport;
