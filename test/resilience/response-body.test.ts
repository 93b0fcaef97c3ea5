/**
 * How the client reads an answer's body (issue 10, points 7 and 8), against undici's MockAgent: the
 * Accept-Encoding it sends; gzip, deflate, br, identity and unknown codings; a compressed body cut
 * short; and the price ceilings — decoded size (with the real 64 MiB default hit by a gzip bomb and
 * by a declared Content-Length, neither allocating more than the limit), nesting depth and container
 * count — each failing its request once, not retried, with one line naming the limit and the path.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { MockAgent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DevinClient } from '../../src/devin/client.js';
import { ConnectorError, RetriesExhaustedError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import {
  ACCEPT_ENCODING,
  BodyLimitError,
  DEFAULT_BODY_LIMITS,
  checkShape,
  contentCodings,
  describeBytes,
  type BodyLimits,
} from '../../src/devin/response-body.js';

const ORIGIN = 'https://api.devin.test';
const PATH = '/v3/enterprise/members/users';
const PAGE = { items: [{ user_id: 'email|a', email: 'a@example.test' }], end_cursor: null, has_next_page: false, total: 1 };
const PAGE_BYTES = Buffer.from(JSON.stringify(PAGE), 'utf8');

interface Answer {
  body: Buffer | string;
  headers?: Record<string, string>;
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
  for (const [key, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) if (key.toLowerCase() === name) return String(value);
  return undefined;
}

/** A client whose every request gets `answer` (as many times as asked), recording what was sent. */
function clientAnswering(answer: Answer, bodyLimits?: BodyLimits): { client: DevinClient; sent: Array<string | undefined> } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: 'GET' })
    .reply(200, answer.body, { headers: { 'content-type': 'application/json', ...answer.headers } })
    .persist();
  const sent: Array<string | undefined> = [];
  const dispatcher: Dispatcher = agent.compose((dispatch) => (options, handler) => {
    sent.push(headerOf(options.headers, 'accept-encoding'));
    return dispatch(options, handler);
  });
  const client = new DevinClient({
    apiUrl: ORIGIN,
    apiKey: 'cog_body_mock_key_0001',
    userAgent: 'source-devin-test',
    limiter: new AdaptiveLimiter({ maxConcurrency: 2, sleep: async () => undefined }),
    policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, requestTimeoutMs: 5_000 },
    dispatcher,
    sleep: async () => undefined,
    ...(bodyLimits ? { bodyLimits } : {}),
  });
  return { client, sent };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

/** A refused answer: a system_error naming the limit and the path, one line, after ONE request. */
async function expectRefused(answer: Answer, limits: BodyLimits | undefined, message: string): Promise<void> {
  const { client, sent } = clientAnswering(answer, limits);
  const error = await failure(client.getJson({ path: PATH }));
  expect(error).toBeInstanceOf(BodyLimitError);
  expect((error as ConnectorError).failureType).toBe('system_error');
  expect(error.message).toBe(`GET ${PATH}: ${message}`);
  expect(error.message).not.toContain('\n');
  expect(sent, 'not retried').toHaveLength(1);
}

const SMALL: BodyLimits = { maxBytes: 4 * 1024, maxDepth: 8, maxContainers: 50 };

describe('compressed answers', () => {
  it(`every request offers Accept-Encoding: ${ACCEPT_ENCODING}`, async () => {
    const { client, sent } = clientAnswering({ body: PAGE_BYTES });
    await client.getJson({ path: PATH });
    await client.getJson({ path: PATH, query: [['first', 200]] });
    expect(ACCEPT_ENCODING).toBe('gzip, deflate, br');
    expect(sent).toEqual(['gzip, deflate, br', 'gzip, deflate, br']);
  });

  it.each([
    ['gzip', gzipSync(PAGE_BYTES)],
    ['x-gzip', gzipSync(PAGE_BYTES)],
    ['deflate', deflateSync(PAGE_BYTES)],
    ['br', brotliCompressSync(PAGE_BYTES)],
    ['identity', PAGE_BYTES],
    ['GZIP', gzipSync(PAGE_BYTES)],
    ['gzip, br', brotliCompressSync(gzipSync(PAGE_BYTES))],
  ])('Content-Encoding: %s is decoded, in one request', async (coding, body) => {
    const { client, sent } = clientAnswering({ body, headers: { 'content-encoding': coding } });
    await expect(client.getJson({ path: PATH })).resolves.toEqual(PAGE);
    expect(sent).toHaveLength(1);
  });

  it('an unknown Content-Encoding is a clear system_error, not six retries and "not valid JSON"', async () => {
    await expectRefused(
      { body: PAGE_BYTES, headers: { 'content-encoding': 'zstd' } },
      undefined,
      `the API answered with Content-Encoding "zstd", which the connector cannot decode (it asks for ${ACCEPT_ENCODING})`,
    );
  });

  it('a gzip body cut short is retried (a proxy or the connection dropped it), then reported as such', async () => {
    const gz = gzipSync(PAGE_BYTES);
    const { client, sent } = clientAnswering({ body: gz.subarray(0, gz.length - 12), headers: { 'content-encoding': 'gzip' } });
    const error = await failure(client.getJson({ path: PATH }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toMatch(new RegExp(`^GET ${PATH} failed 3 times; last: HTTP 200 with a gzip body that does not decode \\(Z_BUF_ERROR: `));
    expect(sent).toHaveLength(3);
  });
});

describe('what one answer may cost', () => {
  it('the defaults: 64 MiB decoded, 256 levels, a million arrays and objects', () => {
    expect(DEFAULT_BODY_LIMITS).toEqual({ maxBytes: 64 * 1024 * 1024, maxDepth: 256, maxContainers: 1_000_000 });
    expect([describeBytes(64 * 1024 * 1024), describeBytes(4096), describeBytes(1000)]).toEqual(['64 MiB', '4 KiB', '1000 bytes']);
  });

  it('an answer over the size limit fails that request once, naming the limit (injected: 4 KiB)', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ user_id: `email|${i}` })) });
    expect(big.length).toBeGreaterThan(4 * 1024);
    await expectRefused({ body: big }, SMALL, 'the answer is larger than the 4 KiB limit for one response body (decoded); not retried');
  });

  it('an answer of exactly the limit is read', async () => {
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(100) }));
    const { client } = clientAnswering({ body }, { ...SMALL, maxBytes: body.length });
    await expect(client.getJson({ path: PATH })).resolves.toEqual({ pad: 'x'.repeat(100) });
  });

  it('a decompression bomb hits the limit on DECODED bytes (injected limit)', async () => {
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20)); // 1 MiB of spaces in ~1 KB
    expect(bomb.length).toBeLessThan(SMALL.maxBytes);
    await expectRefused(
      { body: bomb, headers: { 'content-encoding': 'gzip' } },
      SMALL,
      'the answer is larger than the 4 KiB limit for one response body (decoded); not retried',
    );
  });

  it('the real 64 MiB default stops a brotli bomb of 65 MiB (a download of a few KB)', async () => {
    const bomb = brotliCompressSync(Buffer.alloc(65 * 1024 * 1024, 0x20), { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
    expect(bomb.length).toBeLessThan(100 * 1024);
    await expectRefused(
      { body: bomb, headers: { 'content-encoding': 'br' } },
      undefined,
      'the answer is larger than the 64 MiB limit for one response body (decoded); not retried',
    );
  });

  it('the real default stops an endless chunked answer (no Content-Length) at 64 MiB, over loopback', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let written = 0;
    let closed!: () => void;
    const clientWentAway = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: nothing declared
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += 1;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DevinClient({
      apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: 'cog_body_mock_key_0001',
      userAgent: 'source-devin-test',
      limiter: new AdaptiveLimiter({ maxConcurrency: 1, sleep: async () => undefined }),
      policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, requestTimeoutMs: 20_000 },
      sleep: async () => undefined,
    });
    try {
      const attempts = { requests: 0 };
      const error = await failure(client.getJson({ path: PATH }, attempts));
      expect(error).toBeInstanceOf(BodyLimitError);
      expect(error.message).toBe(`GET ${PATH}: the answer is larger than the 64 MiB limit for one response body (decoded); not retried`);
      await clientWentAway; // the connection was dropped: nothing more is downloaded
      expect(attempts.requests).toBe(1);
      expect(written).toBeLessThan(200); // MiB: the limit plus what sat in socket buffers
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the real default refuses a declared Content-Length over 64 MiB before downloading it', async () => {
    const { client, sent } = clientAnswering({ body: PAGE_BYTES, headers: { 'content-length': String(600 * 1024 * 1024) } });
    const error = await failure(client.getJson({ path: PATH }));
    expect(error.message).toBe(`GET ${PATH}: the answer is larger than the 64 MiB limit for one response body (decoded); not retried`);
    expect(sent).toHaveLength(1);
  });

  it('nesting deeper than the limit fails that request (injected 8; and 5,000 levels against the default 256)', async () => {
    const deep = (levels: number): string => `{"items":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const { client } = clientAnswering({ body: deep(7) }, SMALL);
    await expect(client.getJson({ path: PATH })).resolves.toMatchObject({ items: [[[[[[[]]]]]]] });
    await expectRefused({ body: deep(8) }, SMALL, 'the answer nests deeper than the limit of 8 levels; not retried');
    await expectRefused({ body: deep(5_000) }, undefined, 'the answer nests deeper than the limit of 256 levels; not retried');
  });

  it('more arrays and objects than the limit fails that request (wide, not deep)', async () => {
    const wide = `[${Array.from({ length: 50 }, () => '[]').join(',')}]`;
    await expectRefused({ body: wide }, SMALL, 'the answer holds more than the limit of 50 arrays and objects; not retried');
  });

  it('brackets inside strings, escaped quotes included, are not nesting', () => {
    const text = JSON.stringify({ a: '[[[[[[[[[[{{{{{{{{', b: 'say \\"[[[[[[[[[[["' });
    expect(() => checkShape(Buffer.from(text), SMALL, 'GET /x')).not.toThrow();
    expect(() => checkShape(Buffer.from('[[[[[[[[[]]]]]]]]]'), SMALL, 'GET /x')).toThrow(/deeper than the limit of 8/);
  });

  it('the shape check agrees with the real depth and count on random JSON (long strings, escapes, brackets in strings)', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const alphabet = ['a', '"', '\\', '[', ']', '{', '}', ' ', 'é'];
    const text = (): string => Array.from({ length: Math.floor(random() * 90) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    /** A random value and its [depth, containers]. */
    const value = (budget: number): [unknown, number, number] => {
      const roll = random();
      if (budget === 0 || roll < 0.35) return [roll < 0.2 ? text() : Math.floor(roll * 100), 0, 0];
      const children = Array.from({ length: Math.floor(random() * 4) }, () => value(budget - 1));
      const depth = 1 + Math.max(0, ...children.map((c) => c[1]));
      const containers = 1 + children.reduce((sum, c) => sum + c[2], 0);
      const built = roll < 0.7 ? children.map((c) => c[0]) : Object.fromEntries(children.map((c, i) => [`${text()}${i}`, c[0]]));
      return [built, depth, containers];
    };
    for (let round = 0; round < 300; round += 1) {
      const [built, depth, containers] = value(12);
      const bytes = Buffer.from(JSON.stringify(built), 'utf8');
      const exact = { maxBytes: Infinity, maxDepth: depth, maxContainers: containers };
      expect(() => checkShape(bytes, exact, 'GET /x')).not.toThrow();
      if (depth > 0) expect(() => checkShape(bytes, { ...exact, maxDepth: depth - 1 }, 'GET /x')).toThrow(/nests deeper/);
      if (containers > 0) expect(() => checkShape(bytes, { ...exact, maxContainers: containers - 1 }, 'GET /x')).toThrow(/holds more than/);
    }
  });

  it('Content-Encoding lists are read in order, identity dropped', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings(' GZIP , br')).toEqual(['gzip', 'br']);
    expect(contentCodings(['gzip', 'identity'])).toEqual(['gzip']);
  });
});
