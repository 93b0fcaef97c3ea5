// The directory scenario of bench/run.mjs (issue 15.3): members, organizations and service_users
// (each directory listed once, 200 per page), at a small and a large enterprise, against the bare
// loop over the same pages. See bench/stream-read.mjs.
import { streamReport, streamScenario } from './stream-read.mjs';

export const DIRECTORY = {
  name: 'directory',
  title: 'Directory streams',
  streams: ['members', 'organizations', 'service_users'],
  sizes: [
    { label: 'small', members: 200, days: 1, orgs: 2, sessions: 0 },
    { label: 'large', members: 50_000, days: 1, orgs: 1_000, sessions: 0 },
  ],
};

export const directoryScenario = (options) => streamScenario(DIRECTORY, options);
export const directoryReport = streamReport;
