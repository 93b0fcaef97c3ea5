/**
 * Stream schemas (SPEC §5): schemas/*.json are draft-07, free of $ref, open (additionalProperties
 * true), every field nullable unless it is part of the key, `date` is `format: date`, the SPEC's
 * required fields are there, and src/streams/records.generated.ts is what `npm run gen:types` writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { newAjv } from '../helpers/ajv.js';
import { checkStreamSchemaRules } from './airbyte-schema-rules.js';
import type { Json } from './support.js';
import { STREAM_NAMES, findStream } from '../../src/streams/index.js';

const STREAMS = [...STREAM_NAMES].sort();
/** Schemas written with the simulator for streams not declared yet (their fields are checked in test/simulator). */
const SCHEMA_ONLY: string[] = [];

/** SPEC §5: required fields of each stream (transcribed), and the key fields (from the declarations). */
const REQUIRED_FIELDS: Record<string, string[]> = {
  members: ['user_id', 'email', 'name', 'role_assignments', 'idp_role_assignments', 'org_id'],
  daily_consumption: ['user_id', 'email', 'date', 'acus', 'acus_by_product', 'org_id', 'is_partial_day'],
  pr_metrics: [
    'date',
    'user_id',
    'org_id',
    'prs_created_count',
    'prs_opened_count',
    'prs_merged_count',
    'prs_closed_count',
    'prs_taken_over_count',
    'prs_taken_over_opened_count',
    'prs_taken_over_merged_count',
    'prs_taken_over_closed_count',
    'is_partial_day',
  ],
};
REQUIRED_FIELDS.pr_metrics_by_member = REQUIRED_FIELDS.pr_metrics as string[];
// SPEC §5.3.
const SESSION_FIELDS = ['session_id', 'url', 'status', 'status_detail', 'title', 'tags', 'org_id', 'user_id', 'service_user_id', 'playbook_id', 'origin', 'category', 'subcategory', 'acus_consumed', 'pull_requests', 'created_at', 'updated_at', 'is_archived', 'parent_session_id', 'child_session_ids', 'devin_mode', 'automation_id', 'structured_output'];
REQUIRED_FIELDS.sessions = SESSION_FIELDS;
REQUIRED_FIELDS.session_insights = [...SESSION_FIELDS, 'num_devin_messages', 'num_user_messages', 'session_size', 'analysis'];
REQUIRED_FIELDS.session_pull_requests = ['session_id', 'pr_url', 'pr_state', 'host', 'provider', 'repository', 'pr_number', 'user_id', 'service_user_id', 'org_id', 'session_created_at', 'session_updated_at'];
REQUIRED_FIELDS.session_messages = ['session_id', 'event_id', 'source', 'message', 'created_at', 'org_id', 'user_id', 'session_updated_at'];
// SPEC §5.2 and §5.4.
const CONSUMPTION_FIELDS = ['date', 'acus', 'acus_by_product', 'is_partial_day', 'org_id'];
REQUIRED_FIELDS.daily_consumption_totals = CONSUMPTION_FIELDS;
REQUIRED_FIELDS.daily_consumption_by_organization = CONSUMPTION_FIELDS;
REQUIRED_FIELDS.daily_consumption_by_service_user = [...CONSUMPTION_FIELDS, 'service_user_id', 'service_user_name'];
REQUIRED_FIELDS.consumption_cycles = ['cycle_start', 'cycle_end', 'first_billing_day', 'last_billing_day'];
REQUIRED_FIELDS.organizations = ['org_id', 'name', 'created_at', 'updated_at', 'max_session_acu_limit', 'max_cycle_acu_limit'];
REQUIRED_FIELDS.service_users = ['service_user_id', 'name', 'role_assignments', 'expires_at', 'deleted_at'];
REQUIRED_FIELDS.audit_logs = ['audit_log_id', 'action', 'created_at', 'org_id', 'user_id', 'user_email', 'service_user_id', 'service_user_name', 'data'];
// SPEC §5.5.
REQUIRED_FIELDS.active_users = ['period', 'period_start', 'period_end', 'active_users', 'is_partial_period', 'org_id'];
// devin-api-v3-more.md §5.1–§5.3; secrets: SPEC §5.4's allowlist.
REQUIRED_FIELDS.playbooks = ['playbook_id', 'title', 'body', 'macro', 'created_by', 'updated_by', 'created_at', 'updated_at', 'access_type', 'org_id', 'structured_output_schema'];
REQUIRED_FIELDS.knowledge_notes = ['note_id', 'name', 'body', 'trigger', 'is_enabled', 'created_at', 'updated_at', 'access_type', 'org_id', 'folder_id', 'folder_path', 'macro', 'pinned_repo'];
REQUIRED_FIELDS.secrets = ['secret_id', 'key', 'note', 'is_sensitive', 'secret_type', 'access_type', 'created_by', 'created_at', 'updated_by', 'updated_at', 'org_id'];
const ALWAYS_KEY: Record<string, string[]> = Object.fromEntries(
  STREAMS.map((name) => [name, (findStream(name)?.primaryKey ?? []).map((path) => path.join('.'))]),
);

function schemaOf(stream: string): Json {
  return JSON.parse(readFileSync(`${REPO_ROOT}schemas/${stream}.json`, 'utf8')) as Json;
}

function isNullable(property: Json): boolean {
  return Array.isArray(property.type) && property.type.includes('null');
}

/** Every sub-schema with its JSON pointer. */
function* walk(schema: unknown, at = ''): Generator<[string, Json]> {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) yield* walk(item, `${at}/${index}`);
    return;
  }
  yield [at, schema as Json];
  for (const [key, value] of Object.entries(schema)) yield* walk(value, `${at}/${key}`);
}

describe('schemas/*.json', () => {
  it('are exactly the streams', () => {
    expect(readdirSync(`${REPO_ROOT}schemas`).filter((f) => f.endsWith('.json')).sort()).toEqual([...STREAMS, ...SCHEMA_ONLY].sort().map((s) => `${s}.json`));
  });

  it.each([...STREAMS, ...SCHEMA_ONLY])('%s is a valid draft-07 schema with no $ref and additionalProperties true on every object', (stream) => {
    const schema = schemaOf(stream);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const ajv = newAjv();
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => newAjv().compile(schema)).not.toThrow();
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(true);
    for (const [at, node] of walk(schema)) {
      expect(node, at).not.toHaveProperty('$ref');
      const types = ([] as unknown[]).concat(node.type ?? []);
      if (types.includes('object') && at !== '') expect(node.additionalProperties, `${at} additionalProperties`).toBe(true);
    }
    expect(checkStreamSchemaRules(schema)).toEqual([]);
  });

  it.each(STREAMS)('%s has the SPEC §5 fields; every field but the key is nullable; date is format date', (stream) => {
    const schema = schemaOf(stream);
    const properties = schema.properties as Record<string, Json>;
    for (const field of REQUIRED_FIELDS[stream]!) expect(properties, `${stream}.${field}`).toHaveProperty(field);
    for (const [field, property] of Object.entries(properties)) {
      if (ALWAYS_KEY[stream]!.includes(field)) {
        expect(property.type, `${stream}.${field} is a key: a non-null string`).toBe('string');
      } else {
        expect(isNullable(property), `${stream}.${field} must be nullable`).toBe(true);
      }
    }
    expect(schema.required).toEqual(ALWAYS_KEY[stream]);
    if ('date' in properties) expect(properties.date).toMatchObject({ type: 'string', format: 'date' });
    // the validator really checks the date format (ajv-formats), so a record with a bad date fails
    const validate = newAjv().compile(schema);
    const keyValue = (k: string): string =>
      k === 'date' ? '2026-01-31' : properties[k]?.format === 'date-time' ? '2026-01-31T08:00:00Z' : 'u';
    const sample: Json = Object.fromEntries(ALWAYS_KEY[stream]!.map((k) => [k, keyValue(k)]));
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
    if ('date' in properties) expect(validate({ ...sample, date: '2026-02-30' })).toBe(false);
    expect(validate({ ...sample, a_field_from_a_newer_api: { x: 1 } })).toBe(true);
  });

  it('src/streams/records.generated.ts is what `npm run gen:types` generates from them', async () => {
    const script = new URL('scripts/gen-types.mjs', `file://${REPO_ROOT}`).href;
    const { generateRecordTypes } = (await import(script)) as { generateRecordTypes: () => Promise<string> };
    const generated = await generateRecordTypes();
    const current = readFileSync(`${REPO_ROOT}src/streams/records.generated.ts`, 'utf8');
    expect(current === generated, 'src/streams/records.generated.ts is stale: run `npm run gen:types`').toBe(true);
    for (const type of ['MemberRecord', 'DailyConsumptionRecord', 'PrMetricsRecord']) expect(generated).toContain(`export interface ${type}`);
  });
});
