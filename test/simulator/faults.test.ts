// Fault injection, the token bucket, latency and a prompt close().
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dayStartSeconds } from '../../src/devin/billing-day.js';
import { KEY_ENTERPRISE, OTHER_HOST_URL, startSimulator, type FaultRule, type Simulator } from '../../src/simulator/index.js';
import { asObject, enc, fixedClock, get, TODAY } from './helpers.js';

const MEMBERS = '/v3/enterprise/members/users';
const WINDOW = `?time_after=${dayStartSeconds(TODAY - 3)}&time_before=${dayStartSeconds(TODAY + 1)}`;
const METRICS = `/v3/enterprise/metrics/prs${WINDOW}`;

let sim: Simulator;
let userPath: string;
beforeAll(async () => {
  sim = await startSimulator({ now: fixedClock, members: 30 });
  userPath = `/v3/enterprise/consumption/daily/users/${enc(sim.data.members()[1]!.user_id)}${WINDOW}`;
});
afterEach(() => {
  sim.setFaults([]);
  sim.setRateLimit(null);
  sim.setLatency(0);
});
afterAll(async () => {
  await sim.close();
});

/** A simulator whose rate limit and latency run on a clock the test moves (sleeps are recorded, not waited). */
async function manualClockSimulator(): Promise<{ sim: Simulator; clock: { now: number; slept: number[] } }> {
  const clock = { now: Date.UTC(2026, 2, 10, 12, 0, 0, 250), slept: [] as number[] };
  const timed = await startSimulator({
    now: fixedClock,
    members: 3,
    timers: {
      now: () => clock.now,
      sleep: async (ms) => {
        clock.slept.push(ms);
      },
    },
  });
  return { sim: timed, clock };
}

/** A simulator whose waits end only when the test says so: `waiting` lists them as they begin. */
async function heldClockSimulator(options: { faults?: FaultRule[] } = {}): Promise<{
  sim: Simulator;
  waiting: Array<{ ms: number; path: string; release: () => void }>;
  /** Resolves once `count` waits have begun. */
  waits: (count: number) => Promise<void>;
}> {
  const waiting: Array<{ ms: number; path: string; release: () => void }> = [];
  const listeners: Array<() => void> = [];
  const held = await startSimulator({
    now: fixedClock,
    members: 3,
    ...(options.faults ? { faults: options.faults } : {}),
    timers: {
      now: fixedClock,
      sleep: (ms, entry) =>
        new Promise<void>((release) => {
          waiting.push({ ms, path: entry.path, release });
          for (const listener of listeners.splice(0)) listener();
        }),
    },
  });
  const waits = async (count: number): Promise<void> => {
    while (waiting.length < count) await new Promise<void>((resolve) => listeners.push(resolve));
  };
  return { sim: held, waiting, waits };
}

async function withFault(rule: FaultRule, path: string) {
  sim.setFaults([rule]);
  return get(sim, path);
}

describe('faults', () => {
  it('429 / 503 with and without Retry-After, 500, 502', async () => {
    const seconds = await withFault({ kind: '429', retryAfter: { seconds: 3 } }, MEMBERS);
    expect(seconds.status).toBe(429);
    expect(seconds.headers['retry-after']).toBe('3');
    expect(seconds.headers['content-type']).toBe('application/problem+json');
    const at = Date.UTC(2030, 0, 2, 3, 4, 5);
    const date = await withFault({ kind: '429', retryAfter: { httpDate: at } }, MEMBERS);
    expect(date.headers['retry-after']).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
    expect((await withFault({ kind: '429' }, MEMBERS)).headers['retry-after']).toBeUndefined();
    expect((await withFault({ kind: '429', retryAfter: null }, MEMBERS)).headers['retry-after']).toBeUndefined();
    const unavailable = await withFault({ kind: '503', retryAfter: { seconds: 1 } }, MEMBERS);
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '1']);
    for (const kind of ['500', '502'] as const) {
      const reply = await withFault({ kind }, METRICS);
      expect(reply.status).toBe(Number(kind));
      expect(asObject(reply.json)).toMatchObject({ type: 'about:blank', status: Number(kind) });
    }
  });

  it('reset: headers and part of the body, then the connection drops', async () => {
    sim.setFaults([{ kind: 'reset', times: 1 }]);
    await expect(get(sim, MEMBERS)).rejects.toThrow();
    expect(sim.requests.at(-1)?.fault).toBe('reset');
    expect((await get(sim, MEMBERS)).status).toBe(200); // budget spent
  });

  it('slow: delays the normal response until its wait ends', async () => {
    const { sim: held, waiting, waits } = await heldClockSimulator({ faults: [{ kind: 'slow', delayMs: 150, times: 1 }] });
    try {
      const events: string[] = [];
      const slow = get(held, `${MEMBERS}?first=2`).then((reply) => {
        events.push('slow answered');
        return reply;
      });
      await waits(1);
      expect(waiting.map(({ ms, path }) => [ms, path])).toEqual([[150, MEMBERS]]);
      // A whole request and answer over loopback while the slow one waits: it is still unanswered.
      expect((await get(held, '/v3/self')).status).toBe(200);
      events.push('other answered');
      expect(events).toEqual(['other answered']);
      waiting[0]!.release();
      const reply = await slow;
      expect(events).toEqual(['other answered', 'slow answered']);
      expect(reply.status).toBe(200);
      held.setFaults([]);
      expect(reply.text).toBe((await get(held, `${MEMBERS}?first=2`)).text); // the normal answer, delayed
      expect(held.requests.map((r) => r.fault)).toEqual(['slow', undefined, undefined]);
    } finally {
      await held.close();
    }
  });

  it('malformed and truncated: 200 with JSON that does not parse', async () => {
    const normal = await get(sim, userPath);
    const malformed = await withFault({ kind: 'malformed' }, MEMBERS);
    expect(malformed.status).toBe(200);
    expect(malformed.headers['content-type']).toBe('application/json');
    expect(() => JSON.parse(malformed.text)).toThrow();
    const truncated = await withFault({ kind: 'truncated' }, userPath);
    expect(truncated.status).toBe(200);
    expect(Number(truncated.headers['content-length'])).toBe(Buffer.byteLength(truncated.text));
    expect(normal.text.startsWith(truncated.text)).toBe(true);
    expect(truncated.text.length).toBe(Math.floor(normal.text.length / 2));
    expect(() => JSON.parse(truncated.text)).toThrow();
  });

  it('html: a 502 proxy page', async () => {
    const reply = await withFault({ kind: 'html' }, METRICS);
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('text/html');
    expect(reply.text).toContain('<html>');
  });

  it('no-items and null-cursor-has-next on list pages', async () => {
    const noItems = asObject((await withFault({ kind: 'no-items' }, `${MEMBERS}?first=5`)).json);
    expect(noItems).not.toHaveProperty('items');
    expect(noItems['has_next_page']).toBe(true);
    const nullCursor = asObject((await withFault({ kind: 'null-cursor-has-next' }, `${MEMBERS}?first=5`)).json);
    expect(nullCursor).toMatchObject({ has_next_page: true, end_cursor: null });
    expect((nullCursor['items'] as unknown[]).length).toBe(5);
  });

  it('repeat-cursor: a page loop', async () => {
    sim.setFaults([{ kind: 'repeat-cursor' }]);
    const first = asObject((await get(sim, `${MEMBERS}?first=5`)).json);
    const cursor = first['end_cursor'] as string;
    expect(first['has_next_page']).toBe(true);
    const again = asObject((await get(sim, `${MEMBERS}?first=5&after=${enc(cursor)}`)).json);
    expect(again['end_cursor']).toBe(cursor); // the cursor it was given
    expect(again['items']).toEqual(first['items']); // and the same page again
    // with a real cursor it echoes that cursor
    sim.setFaults([]);
    const real = asObject((await get(sim, `${MEMBERS}?first=5`)).json)['end_cursor'] as string;
    sim.setFaults([{ kind: 'repeat-cursor' }]);
    expect(asObject((await get(sim, `${MEMBERS}?first=5&after=${enc(real)}`)).json)['end_cursor']).toBe(real);
  });

  it('wrong-types: schema drift on data endpoints only', async () => {
    sim.setFaults([{ kind: 'wrong-types' }]);
    const members = asObject((await get(sim, `${MEMBERS}?first=3`)).json);
    expect(Array.isArray(members['items'])).toBe(false);
    expect(typeof members['total']).toBe('string');
    const consumption = asObject((await get(sim, userPath)).json);
    expect(typeof consumption['total_acus']).toBe('string');
    const rows = consumption['consumption_by_date'] as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!['date']).toMatch(/^\d{4}-\d{2}-\d{2}T08:00:00\.000Z$/);
    expect(typeof rows[0]!['acus']).toBe('string');
    const metrics = asObject((await get(sim, METRICS)).json);
    expect(typeof metrics['prs_created_count']).toBe('string');
    expect(asObject((await get(sim, '/v3/self')).json)['principal_type']).toBe('service_user');
    expect(sim.requests.at(-1)?.fault).toBeUndefined();
  });

  it('echo-key: an error body that leaks the bearer token', async () => {
    const unauthorized = await withFault({ kind: 'echo-key' }, MEMBERS);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.text).toContain(`invalid token ${KEY_ENTERPRISE}`);
    const internal = await withFault({ kind: 'echo-key', status: 500 }, MEMBERS);
    expect(internal.status).toBe(500);
    expect(internal.text).toContain(KEY_ENTERPRISE);
  });

  it('echo-key shapes: across character 2,000 of the detail, or cut by a newline or a space', async () => {
    const detailOf = async (echo: FaultRule['echo']): Promise<string> =>
      String(asObject((await withFault({ kind: 'echo-key', echo }, MEMBERS)).json)['detail']);
    const long = await detailOf('long');
    // two thirds of the key before character 2,000, the rest after it
    expect(long.indexOf(KEY_ENTERPRISE)).toBe(2_000 - (KEY_ENTERPRISE.length * 2) / 3);
    expect(long.length).toBeGreaterThan(2_000 + KEY_ENTERPRISE.length);
    const half = KEY_ENTERPRISE.length / 2;
    expect(await detailOf('split-newline')).toBe(`invalid token ${KEY_ENTERPRISE.slice(0, half)}\n${KEY_ENTERPRISE.slice(half)}`);
    expect(await detailOf('split-space')).toBe(`invalid token ${KEY_ENTERPRISE.slice(0, half)} ${KEY_ENTERPRISE.slice(half)}`);
  });

  it('redirects whose Location carries the key: percent-encoded in the path, or as the other host\'s name', async () => {
    const path = `${MEMBERS}?first=2`;
    const hex = Array.from(Buffer.from(KEY_ENTERPRISE), (byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    const upper = await withFault({ kind: 'redirect-same-host', keyIn: 'path-upper' }, path);
    expect(upper.headers['location']).toBe(`${sim.url}/redirected/${hex.toUpperCase()}${path}`);
    const lower = await withFault({ kind: 'redirect-same-host', keyIn: 'path-lower' }, path);
    expect(lower.headers['location']).toBe(`${sim.url}/redirected/${hex.toLowerCase()}${path}`);
    expect(hex.toLowerCase()).not.toBe(hex.toUpperCase());
    // /redirected/<key>/… is no API path
    sim.setFaults([]);
    expect((await get(sim, `/redirected/${hex}${path}`)).status).toBe(404);
    const host = await withFault({ kind: 'redirect-other-host', keyIn: 'host' }, path);
    expect(host.status).toBe(307);
    expect(host.headers['location']).toBe(`http://${KEY_ENTERPRISE}.${new URL(OTHER_HOST_URL).host}${path}`);
  });

  it('redirects to another host or to /redirected on the same host', async () => {
    const path = `${MEMBERS}?first=2`;
    const other = await withFault({ kind: 'redirect-other-host' }, path);
    expect(other.status).toBe(307);
    expect(other.headers['location']).toBe(`${OTHER_HOST_URL}${path}`);
    const same = await withFault({ kind: 'redirect-same-host' }, path);
    expect(same.status).toBe(307);
    expect(same.headers['location']).toBe(`${sim.url}/redirected${path}`);
    // the redirect target is served like the original and is not redirected again
    const followed = await get(sim, `/redirected${path}`);
    expect(followed.status).toBe(200);
    sim.setFaults([]);
    expect(followed.text).toBe((await get(sim, path)).text);
  });

  it('matches rules by path, skips `after`, honours `times`, first match wins', async () => {
    sim.setFaults([
      { kind: '500', path: '/v3/self', times: 2, after: 1 },
      { kind: '502', path: /metrics/ },
      { kind: '503', times: 1 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(sim, '/v3/self')).status);
    // request 1 skipped by `after` but taken by the catch-all 503; 2 and 3 hit rule 1; 4 passes
    expect(statuses).toEqual([503, 500, 500, 200]);
    expect((await get(sim, METRICS)).status).toBe(502);
    expect((await get(sim, METRICS)).status).toBe(502);
    expect((await get(sim, MEMBERS)).status).toBe(200);
    // list-only faults do not spend their budget on other endpoints
    sim.setFaults([{ kind: 'no-items', times: 1 }]);
    expect((await get(sim, METRICS)).status).toBe(200);
    expect(asObject((await get(sim, MEMBERS)).json)).not.toHaveProperty('items');
    expect(asObject((await get(sim, MEMBERS)).json)).toHaveProperty('items');
  });

  it('decides probabilities with a seeded PRNG, reproducibly; setFaults restarts counters', async () => {
    const pattern = async (): Promise<number[]> => {
      sim.setFaults([{ kind: '500', probability: 0.5 }]);
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await get(sim, '/v3/self')).status);
      return statuses;
    };
    const first = await pattern();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await pattern()).toEqual(first);
  });

  it('rate limits with a token bucket and announces Retry-After per mode', async () => {
    const { sim: timed, clock } = await manualClockSimulator();
    try {
      timed.setRateLimit({ ratePerSecond: 2, burst: 5 });
      // The clock stands still: exactly the burst gets through.
      const burst = await Promise.all(Array.from({ length: 12 }, () => get(timed, '/v3/self')));
      const limited = burst.filter((reply) => reply.status === 429);
      expect(burst.length - limited.length).toBe(5);
      for (const reply of limited) {
        expect(reply.headers['retry-after']).toBe('1');
        expect(asObject(reply.json)).toMatchObject({ status: 429, type: 'about:blank' });
      }
      expect(timed.requests.at(-1)?.fault).toBe('rate-limit');

      timed.setRateLimit({ ratePerSecond: 1, burst: 1, retryAfter: 'http-date' });
      await get(timed, '/v3/self');
      const dated = await get(timed, '/v3/self');
      expect(dated.status).toBe(429);
      // One second to the next token, rounded up to the whole second an HTTP date can say.
      expect(Date.parse(String(dated.headers['retry-after']))).toBe(Math.ceil((clock.now + 1000) / 1000) * 1000);

      timed.setRateLimit({ ratePerSecond: 1, burst: 1, retryAfter: 'none' });
      await get(timed, '/v3/self');
      const bare = await get(timed, '/v3/self');
      expect(bare.status).toBe(429);
      expect(bare.headers['retry-after']).toBeUndefined();
    } finally {
      await timed.close();
    }
  });

  it('lets ratePerSecond through over time', async () => {
    const { sim: timed, clock } = await manualClockSimulator();
    try {
      timed.setRateLimit({ ratePerSecond: 40, burst: 1 });
      let ok = 0;
      // 100 ticks of 25 ms (one token each), three requests per tick: exactly one gets through per tick.
      for (let tick = 0; tick < 100; tick++) {
        for (let i = 0; i < 3; i++) if ((await get(timed, '/v3/self')).status === 200) ok++;
        clock.now += 25;
      }
      expect(ok).toBe(100);
    } finally {
      await timed.close();
    }
  });

  it('adds latency to every response', async () => {
    const { sim: timed, clock } = await manualClockSimulator();
    try {
      timed.setLatency(80);
      await get(timed, '/nowhere');
      expect(clock.slept).toEqual([80]);
    } finally {
      await timed.close();
    }
  });

  it('closes with a slow response and a keep-alive socket pending, without waiting for either', async () => {
    // The slow answer's wait never ends unless the test ends it, so close() resolving at all shows
    // it waits neither for that answer nor for the idle socket (the per-test timeout is only the net).
    const { sim: local, waiting, waits } = await heldClockSimulator({ faults: [{ kind: 'slow', delayMs: 60_000, after: 1 }] });
    // the first request leaves an idle keep-alive socket behind; the second hangs in 'slow'
    const idle = await request(`${local.url}/v3/self`, { headers: { authorization: `Bearer ${KEY_ENTERPRISE}` } });
    await idle.body.text();
    const pending = get(local, '/v3/self');
    pending.catch(() => undefined);
    await waits(1);
    expect(waiting.map(({ ms }) => ms)).toEqual([60_000]);
    await local.close();
    await expect(pending).rejects.toThrow();
    expect(local.requests.map((r) => [r.fault, r.status])).toEqual([
      [undefined, 200],
      ['slow', 0], // never answered
    ]);
  }, 5_000);
});
