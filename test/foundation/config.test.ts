/**
 * The config (SPEC §3): the zod schema is the single source of truth for every key, the SPEC message
 * carries each key with its type, default and enum, the spec obeys Airbyte's acceptance rules, and
 * every invalid value is one line naming the key — through `discover` (TRACE config_error, exit 1)
 * and `check` (CONNECTION_STATUS FAILED, exit 0) — without ever echoing the API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/resolve.js';
import { configSchema } from '../../src/config/schema.js';
import { dayOfMillis } from '../../src/devin/billing-day.js';
import { configJsonSchema } from '../../src/config/spec.js';
import { KEY_ENTERPRISE, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { newAjv } from '../helpers/ajv.js';
import { runAirbyte } from '../helpers/cli.js';
import { tempDir } from '../helpers/files.js';
import { FIXED_NOW } from '../helpers/read.js';
import { checkAirbyteSchemaRules } from './airbyte-schema-rules.js';
import { configErrorTrace, connectionStatus, onlyMessage, type Json } from './support.js';

const dir = tempDir();
const fixedClock = { now: () => FIXED_NOW };

async function specMessage(): Promise<Json> {
  const run = await runAirbyte(['spec']);
  expect(run.code).toBe(0);
  return onlyMessage(run, 'SPEC').spec as Json;
}

/** SPEC §3, transcribed: key → what its JSON Schema property must say. */
const SPEC_KEYS: Record<string, Json> = {
  api_key: { type: 'string', airbyte_secret: true },
  start_date: { type: 'string', format: 'date' },
  end_date: { type: 'string', format: 'date' },
  lookback_days: { type: 'integer', minimum: 0, default: 7 },
  scope: { type: 'string', enum: ['auto', 'enterprise', 'organization'], default: 'auto' },
  include_idp_users: { type: 'boolean', default: true },
  api_url: { type: 'string', format: 'uri', default: 'https://api.devin.ai' },
  max_concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
  window_days: { type: 'integer', minimum: 1, maximum: 366, default: 90 },
  // tap-devin's (the Meltano SDK setting); source-devin accepts and ignores it.
  metrics_log_level: { type: 'string', enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'], default: 'INFO' },
};
/** Keys whose default is computed (today, 30 days ago, the connector's choice): no `default` in the schema. */
const COMPUTED_DEFAULTS = ['start_date', 'end_date'];

describe('spec', () => {
  it('prints exactly one SPEC whose connectionSpecification has every SPEC §3 key with its type, default and enum', async () => {
    const spec = await specMessage();
    expect(typeof spec.documentationUrl).toBe('string');
    const connection = spec.connectionSpecification as Json;
    expect(connection).toEqual(configJsonSchema());
    expect(connection.required).toEqual(['api_key']);
    const properties = connection.properties as Record<string, Json>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(SPEC_KEYS).sort());
    for (const [key, expected] of Object.entries(SPEC_KEYS)) {
      expect(properties[key], key).toMatchObject(expected);
      expect(typeof properties[key]?.title, key).toBe('string');
      expect(String(properties[key]?.description).length, key).toBeGreaterThan(20);
      if (COMPUTED_DEFAULTS.includes(key)) {
        expect(properties[key], key).not.toHaveProperty('default');
        expect(String(properties[key]?.description), key).toMatch(/\bDefault:? /);
      }
    }
    // only the key is secret
    const secrets = Object.entries(properties).filter(([, p]) => p.airbyte_secret === true).map(([k]) => k);
    expect(secrets).toEqual(['api_key']);
  });

  it.each([
    ['start_date', '2020-01-01 or later', { start_date: '2019-12-31' }],
    ['start_date', 'A real calendar date YYYY-MM-DD', { start_date: '2026-02-30' }],
    ['start_date', 'not after end_date', { start_date: '2026-03-02', end_date: '2026-03-01' }],
    ['end_date', 'A real calendar date YYYY-MM-DD', { end_date: '2026-13-01' }],
    ['end_date', 'on or after start_date', { start_date: '2026-03-02', end_date: '2026-03-01' }],
    ['lookback_days', 'A whole number from 0 to 366', { lookback_days: 367 }],
    ['max_concurrency', 'a whole number from 1 to 64', { max_concurrency: 65 }],
    ['window_days', 'A whole number from 1 to 366', { window_days: 0 }],
    ['api_url', 'Must be an absolute https:// URL (plain http:// only for loopback hosts)', { api_url: 'http://api.example.com' }],
    ['api_url', 'with no user name, password, query string or fragment', { api_url: 'https://u:p@api.devin.ai' }],
    ['api_url', 'with no user name, password, query string or fragment', { api_url: 'https://api.devin.ai/?x=1' }],
    ['api_key', 'Must not be empty or contain whitespace', { api_key: 'cog_a b' }],
  ])('states the rule it enforces on %s in its description: "%s"', (key, rule, config) => {
    const description = String(((configJsonSchema().properties as Record<string, Json>)[key] as Json).description);
    expect(description).toContain(rule);
    // … and the rule is really enforced
    expect(() => resolveConfig({ api_key: 'cog_rule_key', ...config }, dayOfMillis(FIXED_NOW))).toThrow(ConfigError);
  });

  it('is generated from the zod schema: same keys, and zod fills in exactly the defaults the spec announces', () => {
    const properties = configJsonSchema().properties as Record<string, Json>;
    expect(Object.keys(configSchema.shape).sort()).toEqual(Object.keys(properties).sort());
    const parsed = configSchema.parse({ api_key: 'x' }) as Json;
    for (const [key, property] of Object.entries(properties)) {
      if ('default' in property) expect(parsed[key], key).toEqual(property.default);
      else if (key !== 'api_key') expect(parsed[key], key).toBeUndefined();
    }
  });

  it('obeys the acceptance-test rules (no $ref/anyOf/allOf/…, one type or [type,"null"], secrets marked, orders distinct)', async () => {
    const spec = await specMessage();
    expect(checkAirbyteSchemaRules(spec.connectionSpecification)).toEqual([]);
    // it is a valid draft-07 schema that accepts a minimal config and the documented example values
    const validate = newAjv().compile(spec.connectionSpecification as Json);
    expect(validate({ api_key: 'cog_x' })).toBe(true);
    expect(validate({ api_key: 'cog_x', start_date: '2026-01-01', api_url: 'https://api.devin.ai', _meltano: 1, extra: true })).toBe(true);
  });
});

describe('the schema rule checker', () => {
  // The checker must not be vacuous: each rule fires on a schema that breaks it.
  const base = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, ...extra });
  it.each([
    ['$ref', base({ a: { $ref: '#/definitions/x' } }), /\$ref is not allowed/],
    ['anyOf', base({ a: { anyOf: [{ type: 'string' }] } }), /anyOf is not allowed/],
    ['allOf', base({}, { allOf: [] }), /allOf is not allowed/],
    ['not', base({ a: { not: { type: 'string' } } }), /not is not allowed/],
    ['patternProperties', base({}, { patternProperties: {} }), /patternProperties is not allowed/],
    ['if/then/else', base({}, { if: {}, then: {}, else: {} }), /if is not allowed/],
    ['two non-null types', base({ a: { type: ['string', 'integer'] } }), /type must be one type/],
    ['three types', base({ a: { type: ['string', 'integer', 'null'] } }), /type must be one type/],
    ['additionalProperties false', base({}, { additionalProperties: false }), /additionalProperties must be true/],
    ['duplicate enum', base({ a: { type: 'string', enum: ['x', 'x'] } }), /enum values must be distinct/],
    ['duplicate order', base({ a: { type: 'string', order: 1 }, b: { type: 'string', order: 1 } }), /order 1 is also used by a/],
    ['unmarked secret', base({ client_secret: { type: 'string' } }), /looks like a secret/],
    ['unmarked *_key', base({ api_key: { type: 'string' } }), /looks like a secret/],
    ['secret on a boolean', base({ flag: { type: 'boolean', airbyte_secret: true } }), /cannot hold a secret/],
    ['oneOf without a shared const', base({ a: { type: 'object', oneOf: [{ type: 'object', properties: {} }] } }), /share exactly one property/],
    ['oneOf outside an object', base({ a: { type: 'string', oneOf: [] } }), /oneOf must sit in a type "object" parent/],
    ['array items as a tuple', base({ a: { type: 'array', items: [{ type: 'string' }] } }), /items must be a single schema/],
    ['array of arrays', base({ a: { type: 'array', items: { type: 'array' } } }), /array items must be/],
    ['top level not an object', { type: 'string' }, /top level must be type "object"/],
  ])('flags %s', (_name, schema, expected) => {
    const violations = checkAirbyteSchemaRules(schema);
    expect(violations.join('\n')).toMatch(expected);
  });
  it('accepts a compliant oneOf', () => {
    const oneOf = [
      { type: 'object', properties: { mode: { const: 'a' }, x: { type: 'string' } } },
      { type: 'object', properties: { mode: { const: 'b' } } },
    ];
    expect(checkAirbyteSchemaRules({ type: 'object', properties: { auth: { type: 'object', oneOf } } })).toEqual([]);
  });
});

interface InvalidConfig {
  name: string;
  config: unknown;
  /** The one-line message, without the "config file <path>: " prefix. */
  message: string;
  /** The check code (config_error unless said). */
  checkCode?: 'invalid_credentials';
  /** Whether the SPEC's JSON Schema rejects it too (the zod schema and the spec agree). */
  specRejects: boolean;
}

const key = { api_key: 'cog_table_key_1234' };
const INVALID_CONFIGS: InvalidConfig[] = [
  { name: 'no api_key', config: {}, message: 'api_key is required', checkCode: 'invalid_credentials', specRejects: true },
  { name: 'api_key a number', config: { api_key: 8675309123 }, message: 'api_key must be a string: a Devin service-user credential (cog_…)', specRejects: true },
  { name: 'api_key blank', config: { api_key: '   ' }, message: 'api_key is empty: paste a Devin service-user credential (cog_…)', checkCode: 'invalid_credentials', specRejects: false },
  { name: 'api_key with a space', config: { api_key: 'cog_abc def' }, message: 'api_key contains whitespace or control characters: paste the credential alone', specRejects: false },
  { name: 'start_date not a calendar day', config: { ...key, start_date: '2026-02-30' }, message: 'start_date must be a real calendar date YYYY-MM-DD (got "2026-02-30")', specRejects: true },
  { name: 'start_date in another format', config: { ...key, start_date: '01/02/2025' }, message: 'start_date must be a date written YYYY-MM-DD (got "01/02/2025")', specRejects: true },
  { name: 'start_date a number', config: { ...key, start_date: 20250101 }, message: 'start_date must be a string (got 20250101)', specRejects: true },
  { name: 'start_date before 2020', config: { ...key, start_date: '2019-12-31' }, message: 'start_date must be 2020-01-01 or later (got "2019-12-31")', specRejects: false },
  { name: 'end_date a word', config: { ...key, end_date: 'tomorrow' }, message: 'end_date must be a date written YYYY-MM-DD (got "tomorrow")', specRejects: true },
  { name: 'end before start', config: { ...key, start_date: '2025-03-02', end_date: '2025-03-01' }, message: 'start_date 2025-03-02 is after end_date 2025-03-01: the range is empty', specRejects: false },
  { name: 'lookback_days negative', config: { ...key, lookback_days: -1 }, message: 'lookback_days must be at least 0 (got -1)', specRejects: true },
  { name: 'lookback_days a float', config: { ...key, lookback_days: 1.5 }, message: 'lookback_days must be a whole number (got 1.5)', specRejects: true },
  { name: 'scope in capitals', config: { ...key, scope: 'ENTERPRISE' }, message: 'scope must be one of "auto", "enterprise", "organization" (got "ENTERPRISE")', specRejects: true },
  { name: 'include_idp_users a string', config: { ...key, include_idp_users: 'yes' }, message: 'include_idp_users must be true or false (got "yes")', specRejects: true },
  { name: 'api_url plain http to a remote host', config: { ...key, api_url: 'http://api.devin.ai' }, message: 'api_url must use https:// (plain http:// is allowed only for loopback hosts; got "http://api.devin.ai")', specRejects: false },
  { name: 'api_url not a URL', config: { ...key, api_url: 'api.devin.ai' }, message: 'api_url must be an absolute URL such as https://api.devin.ai (got "api.devin.ai")', specRejects: true },
  { name: 'api_url with a query', config: { ...key, api_url: 'https://api.devin.ai/?token=abc' }, message: 'api_url must not have a query string or fragment (got "https://api.devin.ai/…")', specRejects: false },
  { name: 'max_concurrency 0', config: { ...key, max_concurrency: 0 }, message: 'max_concurrency must be at least 1 (got 0)', specRejects: true },
  { name: 'max_concurrency a string', config: { ...key, max_concurrency: '8' }, message: 'max_concurrency must be a number (got "8")', specRejects: true },
  { name: 'window_days 367', config: { ...key, window_days: 367 }, message: 'window_days must be at most 366 (got 367)', specRejects: true },
  { name: 'end_date null', config: { ...key, end_date: null }, message: 'end_date must be a string (got null)', specRejects: true },
  { name: 'the config an array', config: [key], message: 'the config must be a JSON object (got an array)', specRejects: true },
];

describe('invalid configs', () => {
  const validateSpec = newAjv().compile(configJsonSchema());

  it.each(INVALID_CONFIGS.map((c) => [c.name, c] as const))('%s: discover → TRACE config_error naming the key, exit 1', async (name, c) => {
    const path = dir.json(`discover-${name.replace(/\W+/g, '-')}.json`, c.config);
    const run = await runAirbyte(['discover', '--config', path], fixedClock);
    expect(configErrorTrace(run)).toBe(`config file ${path}: ${c.message}`);
    expect(validateSpec(c.config), `the spec ${c.specRejects ? 'should' : 'should not'} reject it`).toBe(!c.specRejects);
  });

  it.each(INVALID_CONFIGS.map((c) => [c.name, c] as const))('%s: check → one CONNECTION_STATUS FAILED, exit 0', async (name, c) => {
    const path = dir.json(`check-${name.replace(/\W+/g, '-')}.json`, c.config);
    const run = await runAirbyte(['check', '--config', path], fixedClock);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toBe(`${c.checkCode ?? 'config_error'}: ${c.message}`);
  });

  it('names the key for every zod-level problem (the first word of each message is the key)', () => {
    for (const c of INVALID_CONFIGS) {
      if (Array.isArray(c.config)) continue;
      const keys = Object.keys(c.config as Json);
      const named = c.message.split(' ')[0];
      expect(keys.length === 0 ? ['api_key'] : keys, c.name).toContain(named);
    }
  });
});

describe('keys the connector does not know', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ members: 4, days: 10, now: () => FIXED_NOW });
  });
  afterAll(() => sim.close());

  const extras = {
    _comment: 'written by hand',
    _window_days: 0,
    _start_date: 'not a date',
    meltano_extra: { nested: [1, 2] },
    unknown_key: 'x',
    START_DATE: 'also not a date',
  };

  it('ignores unknown keys and keys beginning with _ (discover and check succeed), naming the unknown ones in WARNs', async () => {
    const path = dir.json('extras.json', { api_key: KEY_ENTERPRISE, api_url: sim.url, ...extras });
    const expectedWarnings = [
      `config file ${path}: unknown key "meltano_extra" (ignored)`,
      `config file ${path}: unknown key "unknown_key" (ignored)`,
      `config file ${path}: unknown key "START_DATE" (ignored): did you mean start_date?`,
    ];
    const warnings = (run: { messages: Json[] }): string[] =>
      run.messages.filter((m) => m.type === 'LOG').map((m) => `${String((m.log as Json).level)} ${String((m.log as Json).message)}`);
    const discover = await runAirbyte(['discover', '--config', path], fixedClock);
    expect(discover.code).toBe(0);
    expect(discover.messages.filter((m) => m.type === 'CATALOG')).toHaveLength(1);
    expect(warnings(discover)).toEqual(expectedWarnings.map((w) => `WARN ${w}`));
    const checkRun = await runAirbyte(['check', '--config', path], fixedClock);
    expect(connectionStatus(checkRun)).toEqual({ status: 'SUCCEEDED', message: expect.stringMatching(/^connected to 127\.0\.0\.1:\d+ with an enterprise-scoped key/) });
    expect(warnings(checkRun)).toEqual(expectedWarnings.map((w) => `WARN ${w}`));
    for (const value of ['written by hand', 'not a date', 'nested', 'also not a date']) expect(discover.stdout + checkRun.stdout).not.toContain(value);
  });

  it('the spec agrees: extra keys are allowed', () => {
    expect(newAjv().compile(configJsonSchema())({ api_key: 'x', ...extras })).toBe(true);
  });
});

describe('secrets in config errors', () => {
  const secret = 'cog_TOPSECRET_value_42';

  it.each([
    ['api_key inside an array', { api_key: [secret] }, 'api_key must be a string: a Devin service-user credential (cog_…)'],
    ['api_key inside an object', { api_key: { value: secret } }, 'api_key must be a string: a Devin service-user credential (cog_…)'],
    ['api_key a number', { api_key: 4242424242 }, 'api_key must be a string: a Devin service-user credential (cog_…)'],
    ['api_key with a newline', { api_key: `${secret}\nx` }, 'api_key contains whitespace or control characters: paste the credential alone'],
    ['the key pasted into scope', { api_key: secret, scope: secret }, 'scope must be one of "auto", "enterprise", "organization" (got "****")'],
    ['the key pasted into api_url', { api_key: secret, api_url: secret }, 'api_url must be an absolute URL such as https://api.devin.ai (got "****")'],
    ['the key as api_url credentials', { api_key: secret, api_url: `https://user:${secret}@api.devin.ai` }, 'api_url must not contain a user name or password: the API key goes in api_key'],
    ['the key in an http api_url', { api_key: secret, api_url: `http://${secret}:x@example.com` }, 'api_url must use https:// (plain http:// is allowed only for loopback hosts; got "http://example.com")'],
  ])('%s: the message never contains it', async (name, config, message) => {
    const path = dir.json(`secret-${name.replace(/\W+/g, '-')}.json`, config);
    for (const command of ['discover', 'check']) {
      const run = await runAirbyte([command, '--config', path], fixedClock);
      for (const text of [run.stdout, run.stderr]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain('4242424242');
      }
      const expected = command === 'check' ? `config_error: ${message}` : `config file ${path}: ${message}`;
      const got = command === 'check' ? connectionStatus(run).message : configErrorTrace(run);
      expect(got).toBe(expected);
    }
  });
});
