/**
 * The one Redactor (SPEC §10): every shape in which a server can hand the key back is masked — as
 * is, case-folded, percent-encoded (either hex case, partly, fully, twice), cut by whitespace —
 * while text that merely resembles the key is left alone. The client cleans server text before it
 * cuts it short, registers its key in the redactor it is given, and the writers leave RECORD lines
 * alone (records never hold the key; the redactor must not cost the hot path anything).
 */
import { PassThrough } from 'node:stream';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { DevinClient, type HttpAttempt } from '../../src/devin/client.js';
import { ApiStatusError, ConnectorError, RetriesExhaustedError } from '../../src/devin/errors.js';
import { AdaptiveLimiter } from '../../src/devin/limiter.js';
import { Redactor } from '../../src/devin/redactor.js';
import { AirbyteWriter } from '../../src/protocol/airbyte.js';
import { LineWriter } from '../../src/protocol/line-writer.js';
import { fragmentsOf, normalised } from '../helpers/secrets.js';

const KEY = 'cog_Rk7QzW2mXp9LfT4vNb8HsJ3dYc6GaE1u';
const half = KEY.length / 2;
const hexOf = (text: string, upper: boolean): string =>
  Array.from(Buffer.from(text, 'utf8'), (byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .join('')
    [upper ? 'toUpperCase' : 'toLowerCase']();

function redactorFor(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor;
}

function expectNoKey(text: string): void {
  for (const fragment of fragmentsOf(KEY)) expect(normalised(text)).not.toContain(fragment);
}

describe('Redactor', () => {
  const FORMS: Array<[string, string]> = [
    ['as is', KEY],
    ['lower-cased (a host name after URL parsing)', KEY.toLowerCase()],
    ['upper-cased', KEY.toUpperCase()],
    ['every byte percent-encoded, upper-case hex', hexOf(KEY, true)],
    ['every byte percent-encoded, lower-case hex', hexOf(KEY, false)],
    ['partly percent-encoded', `${KEY.slice(0, 10)}${hexOf(KEY.slice(10, 20), true)}${KEY.slice(20)}`],
    ['percent-encoded twice', hexOf(KEY, true).replace(/%/g, '%25')],
    ['cut by a newline', `${KEY.slice(0, half)}\n${KEY.slice(half)}`],
    ['cut by a space', `${KEY.slice(0, half)} ${KEY.slice(half)}`],
    ['cut in several places by runs of whitespace', `${KEY.slice(0, 5)}\r\n  ${KEY.slice(5, 20)}\t${KEY.slice(20)}`],
    ['cut by percent-encoded whitespace', `${KEY.slice(0, half)}%20${KEY.slice(half)}`],
    ['cut by a JSON \\n escape', `${KEY.slice(0, half)}\\n${KEY.slice(half)}`],
    ['lower-cased, encoded and cut at once', `${hexOf(KEY.slice(0, 12), false)} \n${KEY.slice(12).toLowerCase()}`],
  ];

  it.each(FORMS)('masks the key %s', (_, form) => {
    const out = redactorFor(KEY).redact(`before ${form} after`);
    expect(out).toBe('before **** after');
  });

  it('masks every occurrence, and a key with characters that mean something in a pattern', () => {
    const odd = 'cog.a+b*c(d)|e[f]?g\\h/i-j';
    const redactor = redactorFor(KEY, odd);
    expect(redactor.redact(`${KEY} ${odd} ${encodeURIComponent(odd)} ${KEY}`)).toBe('**** **** **** ****');
    expect(redactor.redact('cogXa+b*c(d)|e[f]?g\\h/i-j')).toBe('cogXa+b*c(d)|e[f]?g\\h/i-j');
  });

  it('masks a non-ASCII key as is and as percent-encoded UTF-8', () => {
    const key = 'clé-ünïcødé-€-😀';
    expect(redactorFor(key).redact(`${key} ${encodeURIComponent(key)} ${encodeURIComponent(key).toLowerCase()}`)).toBe('**** **** ****');
  });

  it('masks a key with no ASCII letter or digit (nothing for the quick test to look for)', () => {
    const key = '€_€-€_€';
    expect(redactorFor(key).redact(`a ${key} b ${encodeURIComponent(key)} c`)).toBe('a **** b **** c');
  });

  it('masks a key whose rarest character appears only in the other case or only percent-encoded', () => {
    const key = 'cog_onlyonez_key';
    const redactor = redactorFor(key);
    expect(redactor.redact('cog_onlyoneZ_key')).toBe('****');
    expect(redactor.redact(`cog_onlyone%7A_key and cog_onlyone%5a_key`)).toBe('**** and ****');
    expect(redactor.redact('cog_onlyone_key')).toBe('cog_onlyone_key');
  });

  it('masks the longer of two keys whole when one extends the other', () => {
    expect(redactorFor('cog_sim_org', 'cog_sim_org_beta').redact('a cog_sim_org_beta b cog_sim_org c')).toBe('a **** b **** c');
  });

  it('leaves alone text that only resembles the key, and text with no key registered', () => {
    const redactor = redactorFor(KEY);
    const near = [KEY.slice(0, -1), KEY.slice(1), `${KEY.slice(0, 10)}-${KEY.slice(10)}`, `${KEY.slice(0, 10)}%41${KEY.slice(10)}`];
    for (const text of near) expect(redactor.redact(text)).toBe(text);
    const line = 'METRIC: {"type":"timer","metric":"http_request_duration","value":0.01}';
    expect(new Redactor().redact(line)).toBe(line);
    expect(redactor.redact(line)).toBe(line);
  });

  it('ignores values too short to be credentials, and trims the ones it keeps', () => {
    const redactor = redactorFor('abc', '', undefined as unknown as string, `  ${KEY}\n`);
    expect(redactor.redact(`abc ${KEY}`)).toBe('abc ****');
  });
});

const ORIGIN = 'https://api.devin.test';
const agents: MockAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

type Reply = { status: number; body: string; headers?: Record<string, string> } | { error: Error };

function client(replies: Reply[], redactor = new Redactor()): { client: DevinClient; attempts: HttpAttempt[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const pool = agent.get(ORIGIN);
  for (const reply of replies) {
    const interceptor = pool.intercept({ path: () => true, method: 'GET' });
    if ('error' in reply) interceptor.replyWithError(reply.error);
    else interceptor.reply(reply.status, reply.body, { headers: { 'content-type': 'application/json', ...reply.headers } });
  }
  const attempts: HttpAttempt[] = [];
  return {
    client: new DevinClient({
      apiUrl: ORIGIN,
      apiKey: KEY,
      userAgent: 'source-devin-test',
      limiter: new AdaptiveLimiter({ maxConcurrency: 2, sleep: async () => undefined }),
      policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, requestTimeoutMs: 2_000 },
      dispatcher: agent,
      sleep: async () => undefined,
      redactor,
      onAttempt: (attempt) => attempts.push(attempt),
    }),
    attempts,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

describe('the client cleans what the server sends back', () => {
  it('registers its key in the redactor it is given (the writers share it)', () => {
    const shared = new Redactor();
    client([], shared);
    expect(shared.redact(`x ${KEY.toLowerCase()} y`)).toBe('x **** y');
  });

  it('masks a key echoed across character 2,000 before it cuts the detail short', async () => {
    const detail = `invalid token ${'z'.repeat(1_970 - 14)}${KEY} and then some more text`;
    const { client: c } = client([{ status: 400, body: JSON.stringify({ detail }) }]);
    const error = await failure(c.getJson({ path: '/v3/self' }));
    expect(error).toBeInstanceOf(ApiStatusError);
    const shown = (error as ApiStatusError).detail ?? '';
    expect(shown).toContain('****');
    expect(shown.length).toBeLessThanOrEqual(2_001);
    expectNoKey(error.message);
  });

  it('cuts a long detail that holds no key at 2,000 characters, as before', async () => {
    const { client: c } = client([{ status: 400, body: JSON.stringify({ detail: 'y'.repeat(5_000) }) }]);
    const error = (await failure(c.getJson({ path: '/v3/self' }))) as ApiStatusError;
    expect(error.detail).toBe(`${'y'.repeat(2_000)}…`);
  });

  it('masks a key in a network error message (cut by a newline, past character 2,000)', async () => {
    const reset = Object.assign(new Error(`socket hang up ${'w'.repeat(1_950)} ${KEY.slice(0, 9)}\n${KEY.slice(9)}`), { code: 'ECONNRESET' });
    const { client: c } = client([{ error: reset }, { error: reset }]);
    const error = await failure(c.getJson({ path: '/v3/self' }));
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toContain('****');
    expectNoKey(error.message);
  });

  it('masks a key percent-encoded in a same-host redirect path: in messages and in the attempts reported', async () => {
    const { client: c, attempts } = client([
      { status: 307, body: '{}', headers: { location: `/login/${hexOf(KEY, false)}/v3/self` } },
      { status: 404, body: JSON.stringify({ detail: 'Not Found' }) },
    ]);
    const error = await failure(c.getJson({ path: '/v3/self' }));
    expect(error.message).toBe('HTTP 404 on GET /login/****/v3/self: Not Found');
    expect(attempts.map((attempt) => attempt.path)).toEqual(['/v3/self', '/login/****/v3/self']);
  });

  it('masks a key in the host of a redirect to another host (lower-cased by URL parsing)', async () => {
    const { client: c } = client([{ status: 302, body: '{}', headers: { location: `https://${KEY}.elsewhere.test/v3/self` } }]);
    const error = await failure(c.getJson({ path: '/v3/self' }));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.message).toContain('to another host (****.elsewhere.test)');
    expectNoKey(error.message);
  });
});

describe('the writers', () => {
  it('redact every LOG and TRACE, but never look at RECORD or STATE lines', async () => {
    const seen: string[] = [];
    const redactor = new (class extends Redactor {
      override redact(text: string): string {
        seen.push(text);
        return super.redact(text);
      }
    })();
    redactor.add(KEY);
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const lines = new LineWriter(stdout);
    const output = new AirbyteWriter(lines, redactor, () => 0).readOutput();
    await output.record('members', { data: { user_id: 'u1', email: 'a@example.com' } });
    await output.checkpoint('members', { cursor: '2026-03-01' } as never);
    expect(seen).toEqual([]);
    output.log('INFO', `echoed ${KEY.toLowerCase()}`);
    expect(seen).toHaveLength(1);
    await lines.flush();
    expect(chunks.join('')).toContain('{"type":"RECORD","record":{"stream":"members","data":{"user_id":"u1"');
    expect(chunks.join('')).toContain('"message":"echoed ****"');
  });
});
