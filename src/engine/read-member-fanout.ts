/**
 * Per-member streams (daily_consumption; pr_metrics per member): slices of billing days, and inside
 * each slice one task per member (members in parallel, in user_id order). A slice that finishes moves
 * the cursor; inside a long slice the state records how far the members got (`progress`), so a read
 * killed mid-slice resumes with the members it had not finished — without extra requests.
 */
import { formatDay } from '../devin/billing-day.js';
import { ApiStatusError } from '../devin/errors.js';
import type { DayRange, MemberRef, ReadPlan } from '../streams/types.js';
import { CheckpointClock, Watermark } from './checkpoint.js';
import { runPool } from './pool.js';
import { advanceCursor, planRange, sliceRange } from './range.js';
import type { StreamState } from './state.js';
import type { StreamRun } from './stream-run.js';

type MemberFanoutPlan = Extract<ReadPlan, { kind: 'member-fanout' }>;

export async function readMemberFanout(run: StreamRun, plan: MemberFanoutPlan): Promise<void> {
  const { config, directory, output, policy, poolSize, now, today, incremental, inputState, stream, shared } =
    run.options;
  const range = planRange(config, incremental, inputState, today);
  const tag = stream.stateTag?.(config) ?? {};
  let cursor = range.cursor;
  const cursorState = (): StreamState => ({ ...(cursor === undefined ? {} : { date: formatDay(cursor) }), ...tag });

  if (range.from > range.to) {
    output.estimate(run.name, 0);
    await run.checkpoint(cursorState());
    return;
  }
  const members = await directory.refs();
  output.estimate(run.name, members.length * (range.to - range.from + 1));

  for (const [sliceIndex, slice] of sliceRange(range, shared.windowDays).entries()) {
    const resume = sliceIndex === 0 ? range.progress : undefined;
    const coveredTo = cursor ?? config.startDay - 1;
    // Members the interrupted read finished only need the days up to the cursor (the lookback).
    const rangeFor = (member: MemberRef): DayRange =>
      resume && member.user_id <= resume.doneThrough ? { from: slice.from, to: Math.min(slice.to, coveredTo) } : slice;
    const watermark = new Watermark(members.length);
    const clock = new CheckpointClock(policy, now);
    const indices = Array.from({ length: members.length }, (_, i) => i);

    await runPool(indices, poolSize, async (index) => {
      const member = members[index] as MemberRef;
      const memberRange = rangeFor(member);
      if (memberRange.from <= memberRange.to) await readMember(run, plan, member, memberRange);
      const advanced = watermark.complete(index);
      if (clock.tick() && advanced && slice.to > coveredTo) {
        clock.reset();
        const reached = (members[watermark.prefix - 1] as MemberRef).user_id;
        const doneThrough = resume && resume.doneThrough > reached ? resume.doneThrough : reached;
        await run.checkpoint({ ...cursorState(), progress: { to: formatDay(slice.to), done_through: doneThrough } });
      }
    });
    cursor = advanceCursor(cursor, slice.to, range.signpost);
    await run.checkpoint(cursorState());
  }
}

async function readMember(run: StreamRun, plan: MemberFanoutPlan, member: MemberRef, range: DayRange): Promise<void> {
  const { client, shared, output } = run.options;
  let from = range.from;
  while (from <= range.to) {
    const span = plan.span === 'day' ? 1 : shared.windowDays;
    const to = Math.min(range.to, from + span - 1);
    let body: unknown;
    try {
      body = await client.getJson(plan.request(member, { from, to }, run.planContext), run.counter);
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 404) {
        // The member left between the listing and now: nothing to read for them.
        run.skips.add('a member the API no longer knows (404)');
        return;
      }
      const days = to - from + 1;
      if (plan.span === 'window' && error instanceof ApiStatusError && (error.status === 400 || error.status === 422) && days > 1) {
        if (days <= shared.windowDays) {
          shared.windowDays = Math.max(1, Math.floor(days / 2));
          output.log(
            'WARN',
            `${run.name}: the API rejected a ${days}-day window (HTTP ${error.status}${error.detail ? `: ${error.detail}` : ''}); ` +
              `using ${shared.windowDays}-day windows for the rest of this read`,
          );
        }
        continue;
      }
      throw error;
    }
    await run.emit(plan.records(body, member, { from, to }, run.planContext));
    from = to + 1;
  }
}
