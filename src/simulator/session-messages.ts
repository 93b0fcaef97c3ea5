/**
 * Generated chat messages of a session: a few to a few dozen, some sessions with hundreds (so
 * the messages endpoint needs several pages). Message `j` is created at a fixed offset into the
 * session's lifetime (the first, a user prompt, at created_at); a message is visible once the
 * session row's updated_at has reached it, so messages never postdate their session row.
 */
import { hashInts, hex8, unitOf } from './hash.js';
import type { SessionMessage } from './session-types.js';

/** Sessions that always have more than 200 messages, so small data sets need message pagination too. */
export const LONG_CHAT_INDEXES: ReadonlySet<number> = new Set([2, 9]);
const SALT = { count: 301, long: 302, offset: 303, source: 304, text: 305, id: 306 } as const;

const USER_LINES = [
  'Please fix the flaky test in the payments module.',
  'Can you add pagination to the /users endpoint?',
  'Looks good — please open the PR.',
  'Ça marche, merci ! Peux-tu aussi mettre à jour le README ?',
  'Why does the build fail on "main"?\nSee the log attached.',
  'ATTACHMENT:{"url":"https://example.com/log.txt","fileSize":2048}',
  '请把这个函数重构一下 🙏',
];
const DEVIN_LINES = [
  'I have looked at the repository and found the cause.',
  'Running the test suite now.',
  'I opened a pull request with the fix.',
  'The CI run failed on lint; fixing `src/index.ts`.',
  'Done. Summary:\n- added tests\n- updated docs',
  'I need access to the staging environment to continue.',
  'Tabs\tand "quotes" and back\\slashes survive JSON.',
];

export function messageCount(seed: number, index: number): number {
  if (LONG_CHAT_INDEXES.has(index) || unitOf(hashInts(seed, index, SALT.long)) < 0.02) {
    return 201 + (hashInts(seed, index, SALT.count) % 250);
  }
  return 2 + (hashInts(seed, index, SALT.count) % 38);
}

/** Seconds after created_at; non-decreasing in j, 0 for the first, always < lifetime. */
export function messageOffset(seed: number, index: number, j: number, lifetime: number, count: number): number {
  if (j === 0) return 0;
  return Math.floor(((j + unitOf(hashInts(seed, index, j, SALT.offset))) * lifetime) / count);
}

/** How many messages exist once the session has run `elapsed` seconds (binary search over j). */
export function visibleMessageCount(seed: number, index: number, elapsed: number, lifetime: number): number {
  const count = messageCount(seed, index);
  let low = 1;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (messageOffset(seed, index, mid, lifetime, count) <= elapsed) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function messageSource(seed: number, index: number, j: number): 'devin' | 'user' {
  return j === 0 || unitOf(hashInts(seed, index, j, SALT.source)) < 0.25 ? 'user' : 'devin';
}

export function generatedMessage(seed: number, index: number, j: number, created: number, lifetime: number): SessionMessage {
  const source = messageSource(seed, index, j);
  const lines = source === 'user' ? USER_LINES : DEVIN_LINES;
  const h = hashInts(seed, index, j, SALT.id);
  return {
    event_id: `event-${hex8(h)}${hex8(hashInts(h, 1))}-${j.toString(16).padStart(4, '0')}`,
    source,
    message: lines[hashInts(seed, index, j, SALT.text) % lines.length]!,
    created_at: created + messageOffset(seed, index, j, lifetime, messageCount(seed, index)),
  };
}

/** Message counts by source among the first `visible` messages. */
export function countBySource(seed: number, index: number, visible: number): { devin: number; user: number } {
  let user = 0;
  for (let j = 0; j < visible; j++) if (messageSource(seed, index, j) === 'user') user++;
  return { devin: visible - user, user };
}
