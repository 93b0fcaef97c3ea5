/**
 * Dates before 08:00 UTC (SPEC §5.6): today's billing day is still yesterday's date until 08:00 UTC.
 * A start_date of today's calendar date then makes an empty range; without an end_date, the message
 * explains billing days instead of naming an end_date the user never set. The demo computes its
 * start_date in billing days, like the simulator's data set.
 */
import { describe, expect, it } from 'vitest';
import { KEY_ENTERPRISE } from '../../src/simulator/index.js';
import { REPO_ROOT, runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { connectionStatus } from './support.js';

const dir = tempDir();
const BEFORE_EIGHT = Date.parse('2026-03-10T07:59:59Z');
const AT_EIGHT = Date.parse('2026-03-10T08:00:00Z');
/** Never contacted: a config error stops check before the first request. */
const API_URL = 'http://127.0.0.1:9';

async function checkMessage(config: Record<string, unknown>, now: number): Promise<string> {
  const path = dir.json(`config-${now}-${Object.keys(config).join('-')}.json`, { api_key: KEY_ENTERPRISE, api_url: API_URL, ...config });
  const run = await runAirbyte(['check', '--config', path], { now: () => now });
  expect(run.code).toBe(0);
  return connectionStatus(run).message;
}

describe('start_date of today\'s calendar date before 08:00 UTC', () => {
  it('without end_date: the message explains billing days and names no end_date the user did not set', async () => {
    const message = await checkMessage({ start_date: '2026-03-10' }, BEFORE_EIGHT);
    expect(message).toBe(
      "config_error: start_date 2026-03-10 is after today's billing day 2026-03-09 (end_date is not set, so the range ends today): " +
        "a Devin billing day starts at 08:00 UTC, so until 08:00 UTC today's billing day is still yesterday's date; " +
        'set start_date to 2026-03-09 or earlier, or run again after 08:00 UTC',
    );
  });

  it('is accepted from 08:00 UTC on (check goes on to contact the API)', async () => {
    const message = await checkMessage({ start_date: '2026-03-10' }, AT_EIGHT);
    expect(message).not.toMatch(/^config_error/);
  });

  it('a start_date further ahead says the range is empty, without the 08:00 explanation', async () => {
    const message = await checkMessage({ start_date: '2026-03-12' }, BEFORE_EIGHT);
    expect(message).toBe(
      "config_error: start_date 2026-03-12 is after today's billing day 2026-03-09 (end_date is not set, so the range ends today): the range is empty",
    );
  });

  it('with an end_date the user set, the message names that end_date', async () => {
    const message = await checkMessage({ start_date: '2026-03-10', end_date: '2026-03-09' }, BEFORE_EIGHT);
    expect(message).toBe('config_error: start_date 2026-03-10 is after end_date 2026-03-09: the range is empty');
  });
});

describe('the demo\'s start_date', () => {
  async function demoStartDate(): Promise<(nowMs: number, days: number) => string> {
    const script = new URL('scripts/demo-dates.mjs', `file://${REPO_ROOT}`).href;
    return ((await import(script)) as { demoStartDate: (nowMs: number, days: number) => string }).demoStartDate;
  }

  it('counts billing days: at 07:59Z today\'s billing day is yesterday\'s date, at 08:00Z it is today\'s', async () => {
    const start = await demoStartDate();
    expect(start(BEFORE_EIGHT, 1)).toBe('2026-03-09');
    expect(start(AT_EIGHT, 1)).toBe('2026-03-10');
    expect(start(BEFORE_EIGHT, 45)).toBe('2026-01-24');
    expect(start(AT_EIGHT, 45)).toBe('2026-01-25');
  });

  it('is a start_date the connector accepts at any hour, even for a one-day demo', async () => {
    const start = await demoStartDate();
    for (const now of [BEFORE_EIGHT, AT_EIGHT]) {
      expect(await checkMessage({ start_date: start(now, 1) }, now)).not.toMatch(/^config_error/);
    }
  });
});
