/**
 * What a Singer sync reads, from the `--catalog` (or legacy `--properties`) document, following the
 * Meltano SDK's rules:
 * - a stream is read when its root metadata selects it (`selected`, else `selected-by-default`); an
 *   entry without any metadata is selected; a stream missing from the catalog is not read;
 * - inside a stream, `automatic` fields (primary key, replication key) are always kept, `unsupported`
 *   ones never, and `available` ones when selected (else `selected-by-default`, else the stream's choice);
 * - `selected` may be a boolean or the strings "true"/"false" (the Singer docs' own examples), and the
 *   legacy form `"selected": true` inside the schema is honoured where metadata is silent;
 * - the replication method is `forced-replication-method`, else the `replication-method` metadata, else
 *   the entry's `replication_method`, else INCREMENTAL when a replication key is set, else FULL_TABLE.
 * With no catalog at all, every stream is read with every field (incremental where possible).
 */
import { isRecord } from '../json.js';
import { STREAMS, STREAM_NAMES, defaultStreams, findStream } from '../streams/index.js';
import { cursorFieldOf, syncModesOf, type JsonSchema, type ScopeKind, type StreamDeclaration, type SyncMode } from '../streams/types.js';
import { CatalogError } from './airbyte-catalog.js';
import {
  automaticFields,
  forcedReplicationMethod,
  keyProperties,
  propertyNames,
  type ReplicationMethod,
} from './singer-catalog.js';

export interface SingerStreamPlan {
  stream: StreamDeclaration;
  replicationMethod: ReplicationMethod;
  /** Properties records keep; undefined when nothing is deselected (records pass through as is). */
  fields: ReadonlySet<string> | undefined;
  /** The stream schema without the deselected properties (what SCHEMA announces). */
  schema: JsonSchema;
  keyProperties: string[];
  bookmarkProperties: string[];
}

export function syncModeOf(plan: SingerStreamPlan): SyncMode {
  return plan.replicationMethod === 'INCREMENTAL' ? 'incremental' : 'full_refresh';
}

/** No catalog: the default streams of the scope, every field, incremental where the stream has a replication key. */
export function planDefaultStreams(scope: ScopeKind): SingerStreamPlan[] {
  return defaultStreams(scope).map((stream) => plan(stream, forcedReplicationMethod(stream) ?? 'INCREMENTAL', undefined));
}

type Inclusion = 'available' | 'automatic' | 'unsupported';

interface Metadata {
  inclusion?: Inclusion;
  selected?: boolean;
  selectedByDefault?: boolean;
  replicationMethod?: string;
  forcedReplicationMethod?: string;
  replicationKey?: string;
}

/**
 * The streams a catalog selects, in this tap's stream order. `warn` hears about requests the tap
 * overrides (a replication method the stream cannot do when it forces another).
 */
export function planFromCatalog(raw: unknown, warn: (message: string) => void): SingerStreamPlan[] {
  if (!isRecord(raw) || !Array.isArray(raw.streams)) {
    throw new CatalogError('must be a Singer catalog: an object with a "streams" array');
  }
  const chosen = new Map<string, SingerStreamPlan>();
  const seen = new Set<string>();
  raw.streams.forEach((entry: unknown, index: number) => {
    if (!isRecord(entry)) throw new CatalogError(`streams[${index}] must be an object`);
    const name = typeof entry.tap_stream_id === 'string' ? entry.tap_stream_id : entry.stream;
    if (typeof name !== 'string' || name === '') throw new CatalogError(`streams[${index}] has no tap_stream_id`);
    const where = `streams[${index}] (${name})`;
    if (seen.has(name)) throw new CatalogError(`${where}: stream "${name}" is listed twice`);
    seen.add(name);
    const metadata = readMetadata(entry.metadata, where);
    const schema = isRecord(entry.schema) ? entry.schema : {};
    const root = metadata.get(breadcrumbKey([]));
    if (!isStreamSelected(metadata, root, schema)) return;
    const stream = findStream(name);
    if (!stream) throw new CatalogError(`${where}: unknown stream "${name}" (this tap has ${STREAM_NAMES.join(', ')})`);
    const method = replicationMethod(stream, entry, root, where, warn);
    const fields = selectedFields(stream, metadata, schema);
    chosen.set(name, plan(stream, method, fields));
  });
  return STREAMS.flatMap((stream) => chosen.get(stream.name) ?? []);
}

function plan(
  stream: StreamDeclaration,
  replicationMethod: ReplicationMethod,
  fields: ReadonlySet<string> | undefined,
): SingerStreamPlan {
  return {
    stream,
    replicationMethod,
    fields,
    schema: fields ? pruneSchema(stream.schema, fields) : stream.schema,
    keyProperties: keyProperties(stream),
    bookmarkProperties: replicationMethod === 'INCREMENTAL' && stream.cursor ? [stream.cursor.field] : [],
  };
}

function breadcrumbKey(breadcrumb: readonly unknown[]): string {
  return JSON.stringify(breadcrumb);
}

function readMetadata(raw: unknown, where: string): Map<string, Metadata> {
  const map = new Map<string, Metadata>();
  if (raw === undefined || raw === null) return map;
  if (!Array.isArray(raw)) throw new CatalogError(`${where}: metadata must be a list of {breadcrumb, metadata}`);
  raw.forEach((item: unknown, i: number) => {
    if (!isRecord(item) || !Array.isArray(item.breadcrumb) || !isRecord(item.metadata)) {
      throw new CatalogError(`${where}: metadata[${i}] must be {"breadcrumb": [...], "metadata": {...}}`);
    }
    const at = `${where}: metadata ${JSON.stringify(item.breadcrumb)}`;
    const md = item.metadata;
    const entry: Metadata = {};
    const inclusion = md.inclusion;
    if (inclusion !== undefined && inclusion !== null) {
      if (inclusion !== 'available' && inclusion !== 'automatic' && inclusion !== 'unsupported') {
        throw new CatalogError(`${at} inclusion must be available, automatic or unsupported (got ${JSON.stringify(inclusion)})`);
      }
      entry.inclusion = inclusion;
    }
    const selected = flag(md.selected, `${at} selected`);
    if (selected !== undefined) entry.selected = selected;
    const byDefault = flag(md['selected-by-default'], `${at} selected-by-default`);
    if (byDefault !== undefined) entry.selectedByDefault = byDefault;
    const method = text(md['replication-method'], `${at} replication-method`);
    if (method !== undefined) entry.replicationMethod = method;
    const forced = text(md['forced-replication-method'], `${at} forced-replication-method`);
    if (forced !== undefined) entry.forcedReplicationMethod = forced;
    const key = text(md['replication-key'], `${at} replication-key`);
    if (key !== undefined) entry.replicationKey = key;
    map.set(breadcrumbKey(item.breadcrumb), entry);
  });
  return map;
}

/** A boolean, or the strings "true"/"false" in any case. */
function flag(value: unknown, what: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase();
    if (lowered === 'true') return true;
    if (lowered === 'false') return false;
  }
  throw new CatalogError(`${what} must be true or false (got ${JSON.stringify(value)})`);
}

/** A non-empty string; empty strings and null mean "not set". */
function text(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new CatalogError(`${what} must be a string (got ${JSON.stringify(value)})`);
  return value;
}

function isStreamSelected(metadata: Map<string, Metadata>, root: Metadata | undefined, schema: Record<string, unknown>): boolean {
  const legacy = typeof schema.selected === 'boolean' ? schema.selected : undefined;
  if (metadata.size === 0) return legacy ?? true;
  if (root?.inclusion === 'unsupported') return false;
  if (root?.inclusion === 'automatic') return true;
  return root?.selected ?? root?.selectedByDefault ?? legacy ?? false;
}

/** The kept properties, or undefined when every property is kept. */
function selectedFields(
  stream: StreamDeclaration,
  metadata: Map<string, Metadata>,
  schema: Record<string, unknown>,
): ReadonlySet<string> | undefined {
  if (metadata.size === 0 && !hasLegacyFieldSelection(schema)) return undefined;
  const automatic = automaticFields(stream);
  const legacyProperties = isRecord(schema.properties) ? schema.properties : {};
  const kept = new Set<string>();
  const all = propertyNames(stream.schema);
  for (const name of all) {
    const md = metadata.get(breadcrumbKey(['properties', name]));
    const legacyProperty = legacyProperties[name];
    const legacy = isRecord(legacyProperty) && typeof legacyProperty.selected === 'boolean' ? legacyProperty.selected : undefined;
    // Our own key and cursor are automatic whatever the catalog says: records without them cannot be merged.
    const keep =
      automatic.has(name) || md?.inclusion === 'automatic'
        ? true
        : md?.inclusion === 'unsupported'
          ? false
          : (md?.selected ?? md?.selectedByDefault ?? legacy ?? true);
    if (keep) kept.add(name);
  }
  return kept.size === all.length ? undefined : kept;
}

function hasLegacyFieldSelection(schema: Record<string, unknown>): boolean {
  return isRecord(schema.properties) && Object.values(schema.properties).some((p) => isRecord(p) && typeof p.selected === 'boolean');
}

const METHODS = ['FULL_TABLE', 'INCREMENTAL', 'LOG_BASED'] as const;

function parseMethod(value: string, what: string, stream: StreamDeclaration): ReplicationMethod {
  const upper = value.trim().toUpperCase();
  if (!(METHODS as readonly string[]).includes(upper)) {
    throw new CatalogError(`${what} must be FULL_TABLE or INCREMENTAL (got ${JSON.stringify(value)})`);
  }
  const supported: ReplicationMethod[] = syncModesOf(stream).includes('incremental') ? ['FULL_TABLE', 'INCREMENTAL'] : ['FULL_TABLE'];
  if (upper === 'LOG_BASED') {
    throw new CatalogError(`${what}: stream ${stream.name} does not support LOG_BASED replication (it supports ${supported.join(', ')})`);
  }
  return upper as ReplicationMethod;
}

function replicationMethod(
  stream: StreamDeclaration,
  entry: Record<string, unknown>,
  root: Metadata | undefined,
  where: string,
  warn: (message: string) => void,
): ReplicationMethod {
  const key = root?.replicationKey ?? text(entry.replication_key, `${where}: replication_key`);
  const cursorField = cursorFieldOf(stream);
  if (key !== undefined && key !== cursorField) {
    const valid = cursorField ? `its only valid replication key is ${cursorField}` : 'it has no replication key';
    throw new CatalogError(`${where}: replication key ${JSON.stringify(key)} is not valid for stream ${stream.name} (${valid})`);
  }
  const catalogForced =
    root?.forcedReplicationMethod === undefined
      ? undefined
      : parseMethod(root.forcedReplicationMethod, `${where}: forced-replication-method`, stream);
  const ownForced = forcedReplicationMethod(stream);
  if (catalogForced === 'INCREMENTAL' && ownForced === 'FULL_TABLE') {
    throw new CatalogError(`${where}: stream ${stream.name} has no replication key, so it cannot be forced to INCREMENTAL`);
  }
  const requestedText = root?.replicationMethod ?? text(entry.replication_method, `${where}: replication_method`);
  const requested =
    requestedText === undefined ? undefined : parseMethod(requestedText, `${where}: replication method`, stream);
  const forced = catalogForced ?? ownForced;
  if (forced) {
    if (requested && requested !== forced) {
      warn(`${stream.name}: replication method ${requested} was requested, but the stream is forced to ${forced}; using ${forced}`);
    }
    return forced;
  }
  if (requested) return requested;
  return key !== undefined ? 'INCREMENTAL' : 'FULL_TABLE';
}

function pruneSchema(schema: JsonSchema, fields: ReadonlySet<string>): JsonSchema {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const pruned: JsonSchema = {
    ...schema,
    properties: Object.fromEntries(Object.entries(properties).filter(([name]) => fields.has(name))),
  };
  if (Array.isArray(schema.required)) pruned.required = schema.required.filter((name) => fields.has(String(name)));
  return pruned;
}
