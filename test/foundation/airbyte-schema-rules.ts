/**
 * The schema rules Airbyte's connector acceptance tests apply to a SPEC's connectionSpecification and
 * to discovered stream schemas (see /work/shared/reference/airbyte-singer-protocols.md §1.2, §4.2, §4.3),
 * as a small checker: it walks a JSON Schema and returns one line per violation (empty = compliant).
 */
import { isRecord } from '../../src/json.js';

export type Violation = string;

/** Keywords the acceptance tests refuse anywhere in a schema. */
const FORBIDDEN_KEYWORDS = [
  'not',
  'anyOf',
  'allOf',
  'patternProperties',
  'prefixItems',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
] as const;

/** CAT's exact list of secret-looking property names (lower-cased comparison). */
const CAT_SECRET_NAMES = new Set([
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
]);

/** Stricter than CAT: `api_key`, `x_token`, `db_password`… look like secrets too. */
export function looksSecret(name: string): boolean {
  const lower = name.toLowerCase();
  return CAT_SECRET_NAMES.has(lower) || /(^|_)(key|token|secret|password|credentials?)$/.test(lower);
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SECRET_CAPABLE_TYPES = new Set(['string', 'number', 'integer']);
const ARRAY_ITEM_TYPES = new Set(['object', 'string', 'number', 'integer']);

type Schema = Record<string, unknown>;

/** The non-null type of a schema's `type` ("string" for ["string","null"]), or undefined. */
function mainType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return undefined;
}

export function checkAirbyteSchemaRules(root: unknown): Violation[] {
  const violations: Violation[] = [];
  if (!isRecord(root)) return ['the schema is not an object'];
  if (root.type !== 'object') violations.push('/: the top level must be type "object"');
  visit(root, '', undefined, true, violations);
  return violations;
}

/**
 * The rules for a discovered stream schema: all of the above but secret marking, which CAT checks on the
 * spec only (airbyte-singer-protocols.md §4.2, not §4.3) — a record field may be called `key` (the name of a
 * secret in the secrets stream) without being one.
 */
export function checkStreamSchemaRules(root: unknown): Violation[] {
  return checkAirbyteSchemaRules(root).filter((violation) => !violation.endsWith(NOT_MARKED));
}

const NOT_MARKED = 'looks like a secret but is not marked airbyte_secret';

function visit(schema: Schema, at: string, propertyName: string | undefined, topLevel: boolean, out: Violation[]): void {
  const where = at === '' ? '/' : at;
  if ('$ref' in schema) out.push(`${where}: $ref is not allowed`);
  for (const keyword of FORBIDDEN_KEYWORDS) if (keyword in schema) out.push(`${where}: ${keyword} is not allowed`);

  if ('type' in schema) {
    const type = schema.type;
    const valid =
      (typeof type === 'string' && JSON_TYPES.has(type)) ||
      (Array.isArray(type) &&
        type.length === 2 &&
        type.includes('null') &&
        type.every((t) => typeof t === 'string' && JSON_TYPES.has(t)) &&
        type[0] !== type[1]);
    if (!valid) out.push(`${where}: type must be one type or [type, "null"] (got ${JSON.stringify(type)})`);
  }
  if ('additionalProperties' in schema && schema.additionalProperties !== true) {
    out.push(`${where}: additionalProperties must be true when present`);
  }
  if ('enum' in schema) {
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) out.push(`${where}: enum must be a non-empty array`);
    else if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) out.push(`${where}: enum values must be distinct`);
  }
  if ('display_type' in schema && !('oneOf' in schema)) out.push(`${where}: display_type is only allowed on oneOf fields`);
  if ('group' in schema && !topLevel) out.push(`${where}: group is only allowed on top-level properties`);

  // Secret marking applies to named properties.
  if (propertyName !== undefined) {
    const type = mainType(schema);
    const marked = schema.airbyte_secret === true;
    if (looksSecret(propertyName) && !marked && type !== undefined && SECRET_CAPABLE_TYPES.has(type) && !('const' in schema)) {
      out.push(`${where}: "${propertyName}" ${NOT_MARKED}`);
    }
    if (marked && (type === undefined || !SECRET_CAPABLE_TYPES.has(type))) {
      out.push(`${where}: airbyte_secret on a field that cannot hold a secret (type ${JSON.stringify(schema.type)})`);
    }
  }

  if ('oneOf' in schema) checkOneOf(schema, where, out);

  if ('items' in schema) {
    const items = schema.items;
    if (!isRecord(items)) {
      out.push(`${where}: items must be a single schema`);
    } else {
      const itemType = mainType(items);
      if (!('enum' in items) && (itemType === undefined || !ARRAY_ITEM_TYPES.has(itemType))) {
        out.push(`${where}/items: array items must be object, string, number, integer or an enum (got ${JSON.stringify(items.type)})`);
      }
      visit(items, `${at}/items`, undefined, false, out);
    }
  }

  if ('properties' in schema) {
    const properties = schema.properties;
    if (!isRecord(properties)) {
      out.push(`${where}: properties must be an object`);
    } else {
      const orders = new Map<unknown, string>();
      for (const [name, child] of Object.entries(properties)) {
        if (!isRecord(child)) {
          out.push(`${at}/properties/${name}: must be a schema object`);
          continue;
        }
        if ('order' in child) {
          const previous = orders.get(child.order);
          if (previous !== undefined) out.push(`${at}/properties/${name}: order ${String(child.order)} is also used by ${previous}`);
          else orders.set(child.order, name);
        }
        visit(child, `${at}/properties/${name}`, name, false, out);
      }
    }
  }
}

function checkOneOf(schema: Schema, where: string, out: Violation[]): void {
  const options = schema.oneOf;
  if (mainType(schema) !== 'object') out.push(`${where}: oneOf must sit in a type "object" parent`);
  if (!Array.isArray(options) || options.length === 0) {
    out.push(`${where}: oneOf must be a non-empty array`);
    return;
  }
  const constNames = options.map((option) => {
    if (!isRecord(option) || option.type !== 'object' || !isRecord(option.properties)) return new Set<string>();
    return new Set(
      Object.entries(option.properties)
        .filter(([, property]) => isRecord(property) && 'const' in property)
        .map(([name]) => name),
    );
  });
  options.forEach((option, index) => {
    if (!isRecord(option) || option.type !== 'object') out.push(`${where}/oneOf/${index}: every oneOf option must be an object`);
    else visit(option, `${where}/oneOf/${index}`, undefined, false, out);
  });
  const shared = [...(constNames[0] ?? [])].filter((name) => constNames.every((names) => names.has(name)));
  if (shared.length !== 1) out.push(`${where}: oneOf options must share exactly one property with a const (found ${shared.length})`);
}
