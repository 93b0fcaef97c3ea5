/**
 * Scope-wide per-day streams (pr_metrics, granularity `day`): one request per billing day, days in
 * parallel; the cursor follows the longest prefix of finished days, checkpointed every few days or
 * seconds (and at least every window_days days).
 */
import { formatDay } from '../devin/billing-day.js';
import type { ReadPlan } from '../streams/types.js';
import { CheckpointClock, Watermark } from './checkpoint.js';
import { runPool } from './pool.js';
import { advanceCursor, planRange } from './range.js';
import type { StreamState } from './state.js';
import type { StreamRun } from './stream-run.js';

type DaySequencePlan = Extract<ReadPlan, { kind: 'day-sequence' }>;

export async function readDaySequence(run: StreamRun, plan: DaySequencePlan): Promise<void> {
  const { config, client, output, policy, poolSize, now, today, incremental, inputState, stream } = run.options;
  const range = planRange(config, incremental, inputState, today);
  const tag = stream.stateTag?.(config) ?? {};
  let cursor = range.cursor;
  const state = (): StreamState => ({ ...(cursor === undefined ? {} : { date: formatDay(cursor) }), ...tag });

  const days = Math.max(0, range.to - range.from + 1);
  output.estimate(run.name, days);
  const watermark = new Watermark(days);
  const clock = new CheckpointClock(
    { everyUnits: Math.min(policy.everyUnits, config.windowDays), everyMs: policy.everyMs },
    now,
  );
  const indices = Array.from({ length: days }, (_, i) => i);
  await runPool(indices, poolSize, async (index) => {
    const day = range.from + index;
    const body = await client.getJson(plan.request(day, run.planContext), run.counter);
    await run.emit(plan.records(body, day, run.planContext));
    const advanced = watermark.complete(index);
    if (clock.tick() && advanced) {
      clock.reset();
      cursor = advanceCursor(cursor, range.from + watermark.prefix - 1, range.signpost);
      await run.checkpoint(state());
    }
  });
  if (days > 0) cursor = advanceCursor(cursor, range.to, range.signpost);
  await run.checkpoint(state());
}
