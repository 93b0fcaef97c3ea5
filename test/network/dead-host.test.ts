/**
 * SPEC §7, §8, §14: a host that refuses connections or does not resolve fails `check` and `read`
 * within 15 seconds, once, naming the host and telling the user to check api_url (and proxies).
 * "Within 15 s" is proved without a wall clock: the retry waits are injected and summed (at the
 * worst jitter), the attempts counted, and the worst case computed from the configured connect
 * timeout; a real closed port on 127.0.0.1, a `.invalid` name (with an injected DNS lookup: this
 * machine's resolver is not local, and no lookup may leave it) and a server that never completes a
 * TLS handshake give the behaviour.
 */
import type { LookupFunction } from 'node:net';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevinClient } from '../../src/devin/client.js';
import { ConnectorError, UnreachableError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import { DEFAULT_RETRY_POLICY, FIRST_CONTACT, firstContactWorstCaseMs } from '../../src/devin/retry.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/devin/transport.js';
import { KEY_ENTERPRISE } from '../../src/simulator/index.js';
import { runAirbyte, type CliRun, type IoOverrides } from '../helpers/cli.js';
import { runTap } from '../helpers/singer.js';
import { ALL_INCREMENTAL, configuredCatalog, tempDir } from '../helpers/files.js';
import { statusesOf } from '../helpers/read.js';
import { traceErrors } from '../resilience/support.js';
import { closedPort, startForwardProxy, startSilentServer } from './servers.js';

const dir = tempDir();
const MISTYPED = 'api.mistyped.invalid';

/** The production retry policy, with every wait recorded instead of slept, at the worst jitter. */
function recordingIo(extra: IoOverrides = {}): { io: IoOverrides; waits: number[] } {
  const waits: number[] = [];
  const io: IoOverrides = {
    retryPolicy: DEFAULT_RETRY_POLICY,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.999_999,
    ...extra,
  };
  return { io, waits };
}

/** A DNS that knows no name (and records what it was asked): NXDOMAIN at once, nothing leaves the machine. */
function unknownNames(asked: string[]): LookupFunction {
  const lookup = ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException) => void) => {
    asked.push(hostname);
    const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
      hostname,
    });
    process.nextTick(() => callback(error));
  }) as unknown as LookupFunction;
  // The no-internet guard lets a connect through only with a lookup so marked (it never resolves).
  return Object.assign(lookup, { [Symbol.for('source-devin.test-lookup')]: true });
}

async function check(apiUrl: string, io: IoOverrides): Promise<{ status: string; message: string }> {
  const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: apiUrl });
  const run = await runAirbyte(['check', '--config', config], io);
  expect(run.code).toBe(0);
  const statuses = run.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return statuses[0]?.connectionStatus as { status: string; message: string };
}

async function read(apiUrl: string, io: IoOverrides): Promise<CliRun> {
  const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: apiUrl });
  const catalog = dir.json('catalog.json', configuredCatalog(ALL_INCREMENTAL));
  return runAirbyte(['read', '--config', config, '--catalog', catalog], io);
}

/** One TRACE ERROR for the whole read, every stream INCOMPLETE, nothing read, exit 1. */
function expectOneReadError(run: CliRun): string {
  expect(run.code).toBe(1);
  const errors = traceErrors(run);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.stream).toBeUndefined();
  expect(errors[0]?.failure_type).toBe('transient_error');
  for (const stream of Object.keys(ALL_INCREMENTAL)) expect(statusesOf(run, stream)).toEqual(['STARTED', 'INCOMPLETE']);
  expect(run.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
  return errors[0]?.message ?? '';
}

describe('the time budget', () => {
  it('worst case for a dead host: 3 connect timeouts of 3 s plus 250 + 500 ms of waits, inside 15 s', () => {
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(3_000);
    expect(DEFAULT_RETRY_POLICY.connectTimeoutMs).toBeUndefined(); // the default connect timeout applies
    expect(DEFAULT_RETRY_POLICY.requestTimeoutMs).toBeGreaterThanOrEqual(DEFAULT_CONNECT_TIMEOUT_MS);
    expect(FIRST_CONTACT.maxAttempts).toBe(3);
    expect(firstContactWorstCaseMs(DEFAULT_CONNECT_TIMEOUT_MS)).toBe(9_750);
    expect(firstContactWorstCaseMs(DEFAULT_CONNECT_TIMEOUT_MS)).toBeLessThan(15_000);
  });
});

describe('a closed port on 127.0.0.1', () => {
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });

  it('check: FAILED connection_error naming the host, with the api_url hint; 3 attempts, under 750 ms of waits in all', async () => {
    const { io, waits } = recordingIo();
    const status = await check(`http://127.0.0.1:${port}`, io);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(new RegExp(`^connection_error: cannot reach the Devin API at 127\\.0\\.0\\.1:${port}: GET /v3/self failed 3 times; last: ECONNREFUSED`));
    expect(status.message).toContain(`Check that api_url (http://127.0.0.1:${port}) is right and that 127.0.0.1:${port} is reachable from here; behind a proxy, set HTTP_PROXY`);
    // Two waits between three attempts, each under its backoff ceiling (250 ms, then 500 ms).
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(250);
    expect(waits[1]).toBeLessThan(500);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(firstContactWorstCaseMs(0));
  });

  it('read: one TRACE ERROR (no stream descriptor) naming the host with the hint; every stream INCOMPLETE; exit 1', async () => {
    const { io, waits } = recordingIo();
    const message = expectOneReadError(await read(`http://127.0.0.1:${port}`, io));
    expect(message).toMatch(new RegExp(`^cannot reach the Devin API at 127\\.0\\.0\\.1:${port}: GET /v3/self failed 3 times; last: ECONNREFUSED: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    expect(message).toContain(`Check that api_url (http://127.0.0.1:${port}) is right`);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(firstContactWorstCaseMs(0));
  });

  it('tap-devin: one CRITICAL line with the hint (not one error per stream), exit 1', async () => {
    const { io } = recordingIo();
    const config = dir.json('config.json', { api_key: KEY_ENTERPRISE, api_url: `http://127.0.0.1:${port}` });
    const run = await runTap(['--config', config], io);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('ERROR '))).toEqual([]);
    const fatal = run.stderr.split('\n').filter((line) => line.startsWith('CRITICAL '));
    expect(fatal).toEqual([expect.stringMatching(new RegExp(`^CRITICAL cannot reach the Devin API at 127\\.0\\.0\\.1:${port}: .*Check that api_url`))]);
  });
});

describe('a mistyped host (RFC 6761 .invalid, through an injected DNS lookup)', () => {
  it('check: FAILED connection_error naming the host; the name was looked up once per attempt, 3 attempts', async () => {
    const asked: string[] = [];
    const { io, waits } = recordingIo({ lookup: unknownNames(asked) });
    const status = await check(`https://${MISTYPED}`, io);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(new RegExp(`^connection_error: cannot reach the Devin API at ${MISTYPED.replace(/\./g, '\\.')}: GET /v3/self failed 3 times; last: ENOTFOUND`));
    expect(status.message).toContain(`Check that api_url (https://${MISTYPED}) is right`);
    expect(status.message).toContain('behind a proxy, set HTTPS_PROXY');
    expect(asked).toEqual([MISTYPED, MISTYPED, MISTYPED]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(firstContactWorstCaseMs(0));
  });

  it('read: one TRACE ERROR naming the host with the hint', async () => {
    const { io } = recordingIo({ lookup: unknownNames([]) });
    const message = expectOneReadError(await read(`https://${MISTYPED}`, io));
    expect(message).toMatch(new RegExp(`^cannot reach the Devin API at ${MISTYPED.replace(/\./g, '\\.')}: GET /v3/self failed 3 times; last: ENOTFOUND: getaddrinfo ENOTFOUND`));
    expect(message).toContain(`Check that api_url (https://${MISTYPED}) is right`);
  });
});

describe('a host that accepts TCP and never completes the TLS handshake', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(() => silent.close());

  it('the configured connect timeout ends each attempt (UND_ERR_CONNECT_TIMEOUT), 3 attempts, then connection_error', async () => {
    // The production timeout is 3 s; 150 ms here shows the policy's timeout is what undici applies.
    const { io } = recordingIo({ retryPolicy: { ...DEFAULT_RETRY_POLICY, connectTimeoutMs: 150 } });
    const status = await check(`https://127.0.0.1:${silent.port}`, io);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('GET /v3/self failed 3 times; last: UND_ERR_CONNECT_TIMEOUT');
    expect(status.message).toContain('timeout: 150ms');
  });
});

describe('proxies that fail', () => {
  it('a proxy that wants credentials (407 to CONNECT): config_error at once, naming the proxy, no retry', async () => {
    const proxy = await startForwardProxy({ answerConnect: 407 });
    try {
      const { io, waits } = recordingIo({ env: { HTTPS_PROXY: proxy.url } });
      const status = await check('https://127.0.0.1:9', io);
      expect(status.status).toBe('FAILED');
      expect(status.message).toBe(
        `connection_error: 127.0.0.1:9: proxy 127.0.0.1:${proxy.port} (from HTTPS_PROXY) requires authentication (407): put the credentials in the proxy URL (http://user:password@host:port)`,
      );
      expect(proxy.lines).toEqual(['CONNECT 127.0.0.1:9 HTTP/1.1']);
      expect(waits).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('the short retry applies only until the host has answered once', () => {
  const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 1_000, requestTimeoutMs: 2_000 };

  function clientWith(steps: Array<'ok' | 'refused'>): { client: DevinClient; agent: MockAgent; waits: number[] } {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://api.devin.test');
    for (const step of steps) {
      const interceptor = pool.intercept({ path: () => true, method: 'GET' });
      if (step === 'ok') interceptor.reply(200, { org_id: null });
      else interceptor.replyWithError(refused());
    }
    const waits: number[] = [];
    const client = new DevinClient({
      apiUrl: 'https://api.devin.test',
      apiKey: 'cog_dead_host_test_key',
      userAgent: 'source-devin-test',
      limiter: new AdaptiveLimiter({ maxConcurrency: 2, sleep: async () => undefined }),
      policy,
      dispatcher: agent,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
    });
    return { client, agent, waits };
  }

  it('first contact: 3 attempts, waits from the short schedule', async () => {
    const { client, agent, waits } = clientWith(['refused', 'refused', 'refused', 'ok']);
    try {
      const attempts = { requests: 0 };
      const error = await client.getJson({ path: '/v3/self' }, attempts).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as UnreachableError).host).toBe('api.devin.test');
      expect(attempts.requests).toBe(3);
      expect(waits).toEqual([50, 100]); // 0.5 × min(100, 250), 0.5 × min(1000, 200)
    } finally {
      await agent.close();
    }
  });

  it('after an answer: a refused connection is a blip, retried on the caller\'s full policy', async () => {
    const { client, agent, waits } = clientWith(['ok', 'refused', 'refused', 'refused', 'refused', 'refused']);
    try {
      const attempts = { requests: 0 };
      await client.getJson({ path: '/v3/self' }, attempts);
      const error = await client.getJson({ path: '/v3/enterprise/members/users' }, attempts).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as Error).message).toMatch(/^GET \/v3\/enterprise\/members\/users failed 5 times; last: ECONNREFUSED/);
      expect(attempts.requests).toBe(6);
      expect(waits).toEqual([50, 100, 200, 400]);
    } finally {
      await agent.close();
    }
  });
});
