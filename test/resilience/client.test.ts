/**
 * The client's retry behaviour (SPEC §9, §10) against undici's MockAgent, with an injected sleep that
 * records the delays it is asked for (nothing really waits) and a fixed random and wall clock, so
 * every delay is asserted exactly: Retry-After in seconds, as an HTTP date, absent, over the cap;
 * what is retried (429, 5xx, resets, timeouts, 200 bodies that are not JSON) and what is not (other
 * 4xx, bugs below us); redirects; the key in echoed error bodies; aborts. Per-attempt deadlines run
 * on an injected timer the test fires, and the slow answers behind them never come in time, so no
 * outcome depends on how fast the machine is.
 */
import { MockAgent, errors as undiciErrors, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DevinClient } from '../../src/devin/client.js';
import { endpointPath } from '../../src/devin/endpoints.js';
import { AbortedError, ApiStatusError, ConnectorError, ResponseShapeError, RetriesExhaustedError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import type { RetryPolicy } from '../../src/devin/retry.js';

const ORIGIN = 'https://api.devin.test';
const OTHER_ORIGIN = 'https://elsewhere.test';
const KEY = 'cog_resilience_mock_key_7f3a';
const PATH = '/v3/enterprise/members/users';
const WALL_NOW = Date.parse('2026-03-10T12:00:00Z');
const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000, requestTimeoutMs: 2_000 };

type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { error: Error };

interface Sent {
  origin: string;
  path: string;
  authorization: string | undefined;
}

const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

function headerOf(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  if (headers && typeof headers === 'object') {
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return String(value);
  }
  return undefined;
}

/**
 * A MockAgent that answers requests to ORIGIN with `steps`, in order, and a recording layer in front
 * of it: every request that reaches the dispatcher, to any origin, is in `sent`.
 */
function scripted(steps: Step[], origin = ORIGIN): { dispatcher: Dispatcher; sent: Sent[]; agent: MockAgent } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(origin);
  for (const step of steps) {
    const interceptor = pool.intercept({ path: () => true, method: 'GET' });
    if ('error' in step) {
      interceptor.replyWithError(step.error);
      continue;
    }
    const body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? {});
    const scope = interceptor.reply(step.status, body, {
      headers: { 'content-type': 'application/json', ...step.headers },
    });
    if (step.delayMs) scope.delay(step.delayMs);
  }
  const sent: Sent[] = [];
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    sent.push({ origin: String(options.origin), path: String(options.path), authorization: headerOf(options.headers, 'authorization') });
    return dispatch(options, handler);
  });
  return { dispatcher, sent, agent };
}

interface Harness {
  client: DevinClient;
  delays: number[];
  sent: Sent[];
  limiter: AdaptiveLimiter;
  /** Per-attempt deadlines armed so far (with `deadlines: 'manual'`), in order. */
  deadlines: Deadline[];
}

interface Deadline {
  ms: number;
  fire: () => void;
  cancelled: boolean;
}

/** An answer that would come a minute later: within any test, only a deadline or an abort ends it. */
const NEVER_IN_TIME = 60_000;

/** Resolves once `done()` holds, checking after each turn of the event loop (no timer involved). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

function harness(
  steps: Step[],
  options: { policy?: Partial<RetryPolicy>; random?: number; signal?: AbortSignal; sleep?: (ms: number) => Promise<void>; deadlines?: 'manual' } = {},
): Harness {
  const { dispatcher, sent } = scripted(steps);
  const delays: number[] = [];
  const limiter = new AdaptiveLimiter({ maxConcurrency: 4, sleep: async () => undefined });
  const deadlines: Deadline[] = [];
  const after = (ms: number, fn: () => void): (() => void) => {
    const deadline: Deadline = { ms, fire: fn, cancelled: false };
    deadlines.push(deadline);
    return () => void (deadline.cancelled = true);
  };
  const client = new DevinClient({
    apiUrl: ORIGIN,
    apiKey: KEY,
    userAgent: 'source-devin-test',
    limiter,
    policy: { ...POLICY, ...options.policy },
    dispatcher,
    sleep:
      options.sleep ??
      (async (ms) => {
        delays.push(ms);
      }),
    random: () => options.random ?? 0.5,
    now: () => WALL_NOW,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.deadlines === 'manual' ? { after } : {}),
  });
  return { client, delays, sent, limiter, deadlines };
}

const OK: Step = { status: 200, body: { items: [], has_next_page: false } };

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

describe('Retry-After: the exact delays chosen', () => {
  it('seconds, an HTTP date, absent (backoff), and over the cap', async () => {
    const inSevenSeconds = new Date(WALL_NOW + 7_000).toUTCString();
    const h = harness([
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 429, headers: { 'retry-after': inSevenSeconds } },
      { status: 429 },
      { status: 429, headers: { 'retry-after': '3600' } },
      OK,
    ]);
    await expect(h.client.getJson({ path: PATH })).resolves.toEqual({ items: [], has_next_page: false });
    // random 0.5 → jitter floor(0.5 × min(1000, base 100)) = 50 on Retry-After; backoff attempt 3
    // (an isolated 429 to the limiter: three in a row are not yet congestion) draws from
    // [0, 50 × 2²) → 100; the hour is capped at maxRetryAfterMs (10 s).
    expect(h.delays).toEqual([3_050, 7_050, 100, 10_050]);
    expect(h.sent).toHaveLength(5);
  });

  it('with no jitter the wait is exactly the header', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '2' } }, { status: 503, headers: { 'retry-after': new Date(WALL_NOW + 4_000).toUTCString() } }, OK], {
      random: 0,
    });
    await h.client.getJson({ path: PATH });
    expect(h.delays).toEqual([2_000, 4_000]);
  });

  it('an HTTP date in the past means retry at once (plus jitter)', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': new Date(WALL_NOW - 60_000).toUTCString() } }, OK], { random: 0 });
    await h.client.getJson({ path: PATH });
    expect(h.delays).toEqual([0]);
  });
});

describe('an isolated 429 without Retry-After', () => {
  it('is retried after a short backoff; one that makes congestion gets the policy backoff', async () => {
    const h = harness([OK, { status: 429 }, OK, OK, OK, OK, { status: 429 }, OK], { random: 0.5 });
    // One 429 among good answers: the limiter calls it isolated → 0.5 × min(base 100, 50) = 25.
    await h.client.getJson({ path: PATH });
    await h.client.getJson({ path: PATH });
    expect(h.delays).toEqual([25]);
    expect(h.limiter.snapshot()).toMatchObject({ cuts: 0, ratePerSecond: null, concurrency: 4 });
    // Four in a row: the fourth cuts (congestion) and is backed off by the policy (attempt 4: 0.5 × 800).
    const burst = harness([{ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 }, OK], { random: 0.5 });
    await burst.client.getJson({ path: PATH });
    expect(burst.delays).toEqual([25, 50, 100, 400]);
    expect(burst.limiter.snapshot().cuts).toBe(1);
  });
});

describe('what is retried', () => {
  it.each([500, 502, 503, 504, 408])('HTTP %i: exponential backoff with jitter, then success', async (status) => {
    const h = harness([{ status }, { status }, { status }, OK]);
    await h.client.getJson({ path: PATH });
    expect(h.delays).toEqual([50, 100, 200]); // 0.5 × 100·2^(n-1)
    expect(h.sent).toHaveLength(4);
  });

  it('an HTML error page with a 5xx status', async () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const h = harness([{ status: 502, body: html, headers: { 'content-type': 'text/html' } }, OK]);
    await h.client.getJson({ path: PATH });
    expect(h.sent).toHaveLength(2);
  });

  it.each([
    ['truncated JSON', '{"items": [{"user_id": "email|1"'],
    ['an HTML page', '<!DOCTYPE html><html><body>Service Unavailable</body></html>'],
    ['an empty body', ''],
  ])('a 200 whose body is %s', async (_name, body) => {
    const h = harness([{ status: 200, body }, OK]);
    await expect(h.client.getJson({ path: PATH })).resolves.toEqual({ items: [], has_next_page: false });
    expect(h.sent).toHaveLength(2);
  });

  it('connection resets and sockets closed mid-answer', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const h = harness([{ error: reset }, { error: new undiciErrors.SocketError('other side closed') }, OK]);
    await h.client.getJson({ path: PATH });
    expect(h.sent).toHaveLength(3);
    expect(h.delays).toHaveLength(2);
  });

  it('a request that outlives requestTimeoutMs is abandoned and retried', async () => {
    const h = harness([{ ...OK, delayMs: NEVER_IN_TIME }, { status: 200, body: { items: ['second'], has_next_page: false } }], {
      policy: { requestTimeoutMs: 40 },
      deadlines: 'manual',
    });
    const result = h.client.getJson({ path: PATH });
    await until(() => h.sent.length === 1);
    expect(h.deadlines.map((d) => [d.ms, d.cancelled])).toEqual([[40, false]]);
    h.deadlines[0]!.fire(); // the first answer has not come: its deadline passes
    expect(await result).toEqual({ items: ['second'], has_next_page: false });
    expect(h.sent).toHaveLength(2);
    expect(h.delays).toHaveLength(1); // one backoff between the two attempts
    expect(h.deadlines.map((d) => [d.ms, d.cancelled])).toEqual([
      [40, true],
      [40, true], // answered in time: the second deadline was cancelled, never fired
    ]);
  });

  it('retries are bounded: maxAttempts, then a transient_error naming the path and the last problem', async () => {
    const h = harness(Array.from({ length: 6 }, () => ({ status: 500, body: { detail: 'database unavailable' } })));
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as ConnectorError).failureType).toBe('transient_error');
    expect(error.message).toBe(`GET ${PATH} failed 5 times; last: HTTP 500: database unavailable`);
    expect(h.sent).toHaveLength(5);
    expect(h.delays).toHaveLength(4);
  });

  it('timeouts exhausted: the message says how long it waited', async () => {
    const slow = { ...OK, delayMs: NEVER_IN_TIME };
    const h = harness([slow, slow, OK], { policy: { requestTimeoutMs: 30, maxAttempts: 2 }, deadlines: 'manual' });
    let settled = false;
    const pending = failure(h.client.getJson({ path: PATH })).finally(() => (settled = true));
    for (const attempt of [1, 2]) {
      await until(() => settled || (h.deadlines.length === attempt && h.sent.length === attempt));
      h.deadlines[attempt - 1]?.fire();
    }
    const error = await pending;
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toBe(`GET ${PATH} failed 2 times; last: no complete answer within 30 ms`);
    expect(h.sent).toHaveLength(2); // maxAttempts, and not one more
    expect(h.deadlines.map((d) => d.ms)).toEqual([30, 30]);
  });

  it('unreadable 200 bodies exhausted: the message says what came back', async () => {
    const page = { status: 200, body: '<html><body>proxy error</body></html>' };
    const h = harness([page, page], { policy: { maxAttempts: 2 } });
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error.message).toContain('HTTP 200 with a body that is not valid JSON (an HTML page)');
  });
});

describe('what is not retried', () => {
  it.each([400, 404, 405, 409, 410, 422])('HTTP %i: one request, a system_error with the API detail', async (status) => {
    const h = harness([{ status, body: { detail: `nope ${status}` } }, OK]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error).toBeInstanceOf(ApiStatusError);
    expect((error as ApiStatusError).status).toBe(status);
    expect((error as ConnectorError).failureType).toBe('system_error');
    expect(error.message).toBe(`HTTP ${status} on GET ${PATH}: nope ${status}`);
    expect(h.sent).toHaveLength(1);
    expect(h.delays).toEqual([]);
  });

  it.each([401, 403])('HTTP %i: one request, a config_error', async (status) => {
    const h = harness([{ status, body: { detail: 'Forbidden' } }, OK]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as ApiStatusError).path).toBe(PATH);
    expect(h.sent).toHaveLength(1);
  });

  it('an error below us that is not the network (a bug) is thrown as is, at once', async () => {
    const h = harness([{ error: new TypeError('dispatcher exploded') }, OK]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('dispatcher exploded');
    expect(h.sent).toHaveLength(1);
    expect(h.delays).toEqual([]);
  });

  it('a request nothing answers (an unmatched mock) is not retried either', async () => {
    const h = harness([]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect((error as { code?: string }).code).toBe('UND_MOCK_ERR_MOCK_NOT_MATCHED');
    expect(h.sent).toHaveLength(1);
  });
});

describe('redirects', () => {
  it('to the same host: followed, with the key, and not counted as a failed attempt', async () => {
    const h = harness([
      { status: 307, headers: { location: `/redirected${PATH}?first=200` } },
      { status: 308, headers: { location: `${ORIGIN}/again${PATH}` } },
      OK,
    ]);
    await h.client.getJson({ path: PATH, query: [['first', 200]] });
    expect(h.sent.map((s) => `${s.origin}${s.path}`)).toEqual([
      `${ORIGIN}${PATH}?first=200`,
      `${ORIGIN}/redirected${PATH}?first=200`,
      `${ORIGIN}/again${PATH}`,
    ]);
    expect(h.sent.every((s) => s.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(h.delays).toEqual([]);
  });

  it('to another host: refused before any request goes there; a config_error saying what to do', async () => {
    const other = scripted([OK], OTHER_ORIGIN);
    const h = harness([{ status: 302, headers: { location: `${OTHER_ORIGIN}${PATH}` } }]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect(error.message).toContain('redirected GET /v3/enterprise/members/users to another host (elsewhere.test)');
    expect(error.message).toContain('set api_url');
    expect(h.sent.map((s) => s.origin)).toEqual([ORIGIN]);
    expect(other.sent).toEqual([]);
  });

  it('a scheme or port change is another origin too', async () => {
    for (const location of ['http://api.devin.test/v3/self', 'https://api.devin.test:8443/v3/self']) {
      const h = harness([{ status: 301, headers: { location } }]);
      const error = await failure(h.client.getJson({ path: PATH }));
      expect((error as ConnectorError).failureType, location).toBe('config_error');
      expect(h.sent).toHaveLength(1);
    }
  });

  it('without a Location, or in a loop: a clear error, not a hang', async () => {
    const bare = harness([{ status: 302 }]);
    expect(await failure(bare.client.getJson({ path: PATH }))).toBeInstanceOf(ResponseShapeError);
    const loop = harness(Array.from({ length: 10 }, () => ({ status: 307, headers: { location: PATH } })));
    const error = await failure(loop.client.getJson({ path: PATH }));
    expect(error.message).toContain('more than 5 redirects');
    expect(loop.sent).toHaveLength(6);
  });
});

describe('the key in error bodies', () => {
  it('a 401 that echoes the key: the message has the detail, not the key', async () => {
    const h = harness([{ status: 401, body: { detail: `invalid token ${KEY}` } }]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error.message).toBe(`HTTP 401 on GET ${PATH}: invalid token ****`);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(KEY);
  });

  it('a 500 that echoes the key until retries run out: neither message nor internals hold it', async () => {
    const echo = { status: 500, body: { detail: `internal error while validating token ${KEY}` } };
    const h = harness([echo, echo, echo, echo, echo]);
    const error = await failure(h.client.getJson({ path: PATH }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toContain('validating token ****');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(KEY);
  });
});

describe('aborts', () => {
  it('end a retry wait at once (a long Retry-After does not hold a dead read)', async () => {
    const controller = new AbortController();
    const waits: number[] = [];
    const h = harness([{ status: 429, headers: { 'retry-after': '3600' } }, OK], {
      signal: controller.signal,
      sleep: (ms) => {
        waits.push(ms);
        return new Promise(() => undefined); // a wait that never ends on its own
      },
    });
    const pending = failure(h.client.getJson({ path: PATH }));
    await until(() => waits.length === 1); // in the retry wait
    expect(waits).toEqual([POLICY.maxRetryAfterMs + 0.5 * POLICY.baseDelayMs]); // the capped Retry-After, jitter 0.5 × base
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
    expect(h.sent).toHaveLength(1);
  });

  it('end a request in flight, and no request starts after', async () => {
    const controller = new AbortController();
    const h = harness([{ ...OK, delayMs: NEVER_IN_TIME }, OK], { signal: controller.signal, deadlines: 'manual' });
    const pending = failure(h.client.getJson({ path: PATH }));
    await until(() => h.sent.length === 1); // in flight: sent, unanswered, its deadline not fired
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
    expect(await failure(h.client.getJson({ path: PATH }))).toBeInstanceOf(AbortedError);
    expect(h.sent).toHaveLength(1);
  });
});

describe('the limiter sees every outcome', () => {
  it('a 429 is a congestion signal; a 4xx and a 5xx are not', async () => {
    const h = harness([{ status: 429 }, OK, { status: 500 }, OK, { status: 404 }]);
    await h.client.getJson({ path: PATH });
    await h.client.getJson({ path: PATH });
    await failure(h.client.getJson({ path: PATH }));
    const snapshot = h.limiter.snapshot();
    expect(snapshot.rateLimitedCount).toBe(1);
    expect(snapshot.inFlight).toBe(0);
  });
});

describe('paths on the wire', () => {
  it('a user id of ".." or "." stays one encoded segment (never resolved to another endpoint)', async () => {
    const h = harness([OK, OK]);
    await h.client.getJson({ path: endpointPath({ kind: 'enterprise' }, 'userConsumption', '..') });
    await h.client.getJson({ path: endpointPath({ kind: 'enterprise' }, 'userConsumption', '.') });
    expect(h.sent.map((s) => s.path)).toEqual([
      '/v3/enterprise/consumption/daily/users/%2E%2E',
      '/v3/enterprise/consumption/daily/users/%2E',
    ]);
  });
});
