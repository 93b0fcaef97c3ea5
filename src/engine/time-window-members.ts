/**
 * The streams of one time-window read: the list's own stream, and the child streams that follow
 * its rows. Each turns a page of list rows into its records; a child failing (a missing
 * permission for the messages, say) does not stop the others.
 */
import { paginate } from '../devin/pagination.js';
import { ApiStatusError } from '../devin/errors.js';
import type { SourceSpec } from '../streams/types.js';
import { runPool } from './pool.js';
import type { StreamRun } from './stream-run.js';

export interface WindowMember {
  run: StreamRun;
  /** Emits the records of these list rows (all in the range). */
  handle(items: readonly unknown[]): Promise<void>;
  /** Set when the stream failed; it takes no more pages. */
  error?: unknown;
}

export function windowMember(run: StreamRun): WindowMember {
  const source: SourceSpec = run.options.stream.source;
  const ctx = run.planContext;
  switch (source.kind) {
    case 'time-windows':
      return { run, handle: (items) => run.emit(items.flatMap((item) => source.records(item, ctx))) };
    case 'child':
      return { run, handle: (items) => run.emit(items.flatMap((item) => source.records(item, ctx))) };
    case 'child-listing':
      return {
        run,
        // One listing per row, a few at a time: the limiter bounds requests, this bounds what waits behind it.
        handle: (items) =>
          runPool(items, run.options.config.maxConcurrency, async (parentItem) => {
            const request = source.request(parentItem, ctx);
            if (request === undefined) return;
            try {
              for await (const page of paginate(run.options.client, request, run.counter)) {
                await run.emit(page.items.flatMap((item) => source.records(item, parentItem, ctx)));
              }
            } catch (error) {
              // The row went away between the list and its listing: nothing to read for it.
              if (error instanceof ApiStatusError && error.status === 404) run.skips.add('a listing the API no longer knows (404)');
              else throw error;
            }
          }),
      };
    default:
      throw new Error(`${run.name}: a ${source.kind} stream cannot follow a time-window list`);
  }
}

/** Hands the rows to every member still running; a member that throws is marked failed. */
export async function handToMembers(members: readonly WindowMember[], items: readonly unknown[]): Promise<void> {
  await Promise.all(
    members.map(async (member) => {
      if (member.error !== undefined) return;
      try {
        await member.handle(items);
      } catch (error) {
        member.error = error;
      }
    }),
  );
}
