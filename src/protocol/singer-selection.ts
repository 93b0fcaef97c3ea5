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
import * as z from 'zod/mini';
import { jsonObject } from '../json-shapes.js';
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
  const catalog = catalogShape.safeParse(raw);
  if (!catalog.success) throw new CatalogError('must be a Singer catalog: an object with a "streams" array');
  const chosen = new Map<string, SingerStreamPlan>();
  const seen = new Set<string>();
  catalog.data.streams.forEach((item, index) => {
    const parsed = jsonObject.safeParse(item);
    if (!parsed.success) throw new CatalogError(`streams[${index}] must be an object`);
    const entry = parsed.data;
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

const catalogShape = z.object({ streams: z.array(z.unknown()) });
const metadataListShape = z.nullish(z.array(z.unknown()));
const metadataItemShape = z.object({ breadcrumb: z.array(z.unknown()), metadata: jsonObject });

/** A boolean, or the strings "true"/"false" in any case. */
const flagShape = z.nullish(
  z.pipe(
    z.pipe(
      z.transform((value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
      z.union([z.boolean(), z.enum(['true', 'false'])]),
    ),
    z.transform((value: boolean | 'true' | 'false') => value === true || value === 'true'),
  ),
);
/** A string; empty strings and null mean "not set". */
const textShape = z.nullish(z.string());

/** The metadata keys this tap reads, in the order their problems are reported. */
const metadataShape = z.object({
  inclusion: z.nullish(z.enum(['available', 'automatic', 'unsupported'])),
  selected: flagShape,
  'selected-by-default': flagShape,
  'replication-method': textShape,
  'forced-replication-method': textShape,
  'replication-key': textShape,
});
type MetadataKey = keyof z.infer<typeof metadataShape>;
const MUST: Record<MetadataKey, string> = {
  inclusion: 'must be available, automatic or unsupported',
  selected: 'must be true or false',
  'selected-by-default': 'must be true or false',
  'replication-method': 'must be a string',
  'forced-replication-method': 'must be a string',
  'replication-key': 'must be a string',
};

function readMetadata(raw: unknown, where: string): Map<string, Metadata> {
  const map = new Map<string, Metadata>();
  const list = metadataListShape.safeParse(raw);
  if (!list.success) throw new CatalogError(`${where}: metadata must be a list of {breadcrumb, metadata}`);
  (list.data ?? []).forEach((value, i) => {
    const item = metadataItemShape.safeParse(value);
    if (!item.success) throw new CatalogError(`${where}: metadata[${i}] must be {"breadcrumb": [...], "metadata": {...}}`);
    const { breadcrumb, metadata } = item.data;
    const parsed = metadataShape.safeParse(metadata);
    if (!parsed.success) {
      const key = parsed.error.issues[0]?.path[0] as MetadataKey;
      throw new CatalogError(`${where}: metadata ${JSON.stringify(breadcrumb)} ${key} ${MUST[key]} (got ${JSON.stringify(metadata[key])})`);
    }
    const md = parsed.data;
    map.set(breadcrumbKey(breadcrumb), {
      inclusion: md.inclusion ?? undefined,
      selected: md.selected ?? undefined,
      selectedByDefault: md['selected-by-default'] ?? undefined,
      replicationMethod: md['replication-method'] || undefined,
      forcedReplicationMethod: md['forced-replication-method'] || undefined,
      replicationKey: md['replication-key'] || undefined,
    });
  });
  return map;
}

/** A non-empty string; empty strings and null mean "not set". */
function text(value: unknown, what: string): string | undefined {
  const parsed = textShape.safeParse(value);
  if (!parsed.success) throw new CatalogError(`${what} must be a string (got ${JSON.stringify(value)})`);
  return parsed.data || undefined;
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
