/**
 * tap-devin's log gathers lines below WARNING and writes them once per turn of the event loop (or at
 * 64 KB), so a sync's METRIC line per request is not one write each; a WARNING or worse is written at
 * once, after the lines gathered before it, and flush() writes the rest. The text is the same either way.
 */
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/devin/redactor.js';
import { endpointTemplate, SingerLog } from '../../src/protocol/singer-log.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function recordingLog(now: () => number = () => NOW) {
  const writes: string[] = [];
  const out = new Writable({ write: (chunk: Buffer, _encoding, done) => (writes.push(chunk.toString('utf8')), done()) });
  return { log: new SingerLog(out, new Redactor(), 'INFO', now), writes };
}

const metric = (value: number) => ({ type: 'timer' as const, metric: 'http_request_duration', value, tags: { endpoint: '/v3/self', http_status_code: 200 } });

describe('SingerLog batching', () => {
  it('gathers INFO and METRIC lines of one turn into one write, in order, on the next turn', async () => {
    const { log, writes } = recordingLog();
    log.info('first');
    for (let i = 0; i < 100; i += 1) log.metric(metric(i));
    log.info('last');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toHaveLength(1);
    const lines = writes[0]!.split('\n').filter(Boolean);
    expect(lines).toHaveLength(102);
    expect(lines[0]).toBe('2026-01-02T03:04:05.678Z INFO first');
    expect(lines[1]).toBe(`2026-01-02T03:04:05.678Z INFO METRIC: ${JSON.stringify(metric(0))}`);
    expect(lines[101]).toBe('2026-01-02T03:04:05.678Z INFO last');
  });

  it('writes a WARNING at once, after the lines gathered before it', () => {
    const { log, writes } = recordingLog();
    log.info('before');
    log.warning('careful');
    expect(writes.join('')).toBe('2026-01-02T03:04:05.678Z INFO before\n2026-01-02T03:04:05.678Z WARNING careful\n');
    log.error('worse');
    expect(writes.join('').endsWith('ERROR worse\n')).toBe(true);
  });

  it('flush() writes what is gathered; the scheduled write then has nothing left to write', async () => {
    const { log, writes } = recordingLog();
    log.info('one');
    log.flush();
    expect(writes).toEqual(['2026-01-02T03:04:05.678Z INFO one\n']);
    await nextTurn();
    expect(writes).toHaveLength(1);
  });

  it('writes without waiting for the next turn once 64 KB are gathered', () => {
    const { log, writes } = recordingLog();
    const long = 'x'.repeat(1000);
    for (let i = 0; i < 70; i += 1) log.info(long);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(writes[0]!.length).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('each line keeps its own timestamp when the clock moves, and a message with line breaks stays one line', async () => {
    let now = NOW;
    const { log, writes } = recordingLog(() => now);
    log.info('a');
    now += 1;
    log.info('b\n  c');
    log.flush();
    expect(writes.join('')).toBe('2026-01-02T03:04:05.678Z INFO a\n2026-01-02T03:04:05.679Z INFO b c\n');
    await nextTurn();
  });
});

describe('SingerLog.requestTimer', () => {
  it('writes, for every request, the line metric() writes for its http_request_duration point', () => {
    const attempts: Array<[string, number, number]> = [
      ['/v3/self', 200, 12.5],
      ['/v3/enterprise/consumption/daily/users/okta|u1', 200, 3],
      ['/v3/enterprise/consumption/daily/users/okta|u2', 200, 0.25],
      ['/v3/enterprise/consumption/daily/users/okta|u1', 429, 1_000],
      ['/v3/enterprise/members/users', 500, 7.125],
      ['/v3/enterprise/members/users', 0, 15_000],
      ['/not/an/endpoint/of/ours', 302, 1e-7],
    ];
    const fast = recordingLog();
    const slow = recordingLog();
    for (const [path, status, durationMs] of attempts) {
      fast.log.requestTimer(path, status, durationMs);
      slow.log.metric({
        type: 'timer',
        metric: 'http_request_duration',
        value: durationMs / 1000,
        tags: { endpoint: endpointTemplate(path), http_status_code: status, status: status >= 200 && status < 400 ? 'succeeded' : 'failed' },
      });
    }
    fast.log.flush();
    slow.log.flush();
    expect(fast.writes.join('')).toBe(slow.writes.join(''));
    expect(fast.writes.join('')).toContain('"endpoint":"/v3/enterprise/consumption/daily/users/{user_id}"');
  });

  it('writes nothing below the threshold (metrics_log_level DEBUG, log level INFO)', () => {
    const { log, writes } = recordingLog();
    log.metricsLevel = 'DEBUG';
    log.requestTimer('/v3/self', 200, 1);
    log.flush();
    expect(writes).toEqual([]);
  });
});
