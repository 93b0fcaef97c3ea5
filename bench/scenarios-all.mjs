// The all-default-streams scenario of bench/run.mjs (issues 13.8 and 15.3): one read of every
// default stream of an enterprise key — defaultStreams('enterprise') of the built declarations, so
// a stream added as a default is in it without a change here — of the bench's largest enterprise
// (the throughput scenario's members × days, the consumption scenario's 200 organizations, and 50,000 sessions: at the sessions scenario's 200,000 the simulator, serving
// session pages, is the bottleneck and one read takes two minutes), and of a small one for peak RSS.
import { defaultStreamNames } from './lib.mjs';
import { streamReport, streamScenario } from './stream-read.mjs';

export const ALL_SIZES = [
  { label: 'small', members: 200, days: 30, orgs: 2, sessions: 2_000 },
  { label: 'largest', members: 10_000, days: 365, orgs: 200, sessions: 50_000 },
];

export async function allScenario(options) {
  const streams = await defaultStreamNames('enterprise');
  return streamScenario({ name: 'all', title: 'All default streams of an enterprise', streams, sizes: ALL_SIZES, floorTarget: true }, options);
}
export const allReport = streamReport;
