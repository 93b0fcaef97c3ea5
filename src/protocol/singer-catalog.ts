/**
 * The Singer catalog this tap discovers (`tap-devin --discover`), in the shape the Meltano SDK writes:
 * one entry per stream with `tap_stream_id`, `schema`, `key_properties`, `replication_key`,
 * `replication_method` and metadata breadcrumbs. Key and cursor fields are `inclusion: automatic`
 * (they cannot be deselected); every other field is `available`.
 */
import { STREAMS, streamsOfScope } from '../streams/index.js';
import { cursorFieldOf, syncModesOf, type JsonSchema, type ScopeKind, type StreamDeclaration } from '../streams/types.js';

export type ReplicationMethod = 'FULL_TABLE' | 'INCREMENTAL';

export interface SingerMetadataEntry {
  breadcrumb: string[];
  metadata: Record<string, unknown>;
}

export interface SingerCatalogEntry {
  tap_stream_id: string;
  stream: string;
  schema: JsonSchema;
  key_properties: string[];
  replication_key?: string;
  replication_method: ReplicationMethod;
  metadata: SingerMetadataEntry[];
}

/**
 * Singer keys are flat lists of top-level property names; ours are single-element paths, so the
 * translation is exact (a nested path would have no Singer spelling, hence the guard).
 */
export function keyProperties(stream: StreamDeclaration): string[] {
  return stream.primaryKey.map((path) => {
    if (path.length !== 1 || path[0] === undefined) throw new Error(`${stream.name}: a nested key path cannot be a Singer key property`);
    return path[0];
  });
}

/** Fields a reader always gets: the primary key and the replication key. */
export function automaticFields(stream: StreamDeclaration): Set<string> {
  const fields = new Set(keyProperties(stream));
  const cursorField = cursorFieldOf(stream);
  if (cursorField) fields.add(cursorField);
  return fields;
}

/** Streams that have no replication key can only be copied whole. */
export function forcedReplicationMethod(stream: StreamDeclaration): ReplicationMethod | undefined {
  return syncModesOf(stream).includes('incremental') ? undefined : 'FULL_TABLE';
}

export function propertyNames(schema: JsonSchema): string[] {
  const properties = schema.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

function catalogEntry(stream: StreamDeclaration): SingerCatalogEntry {
  const keys = keyProperties(stream);
  const automatic = automaticFields(stream);
  const forced = forcedReplicationMethod(stream);
  const cursorField = cursorFieldOf(stream);
  const root: Record<string, unknown> = {
    inclusion: 'available',
    'selected-by-default': stream.default,
    'table-key-properties': keys,
    ...(cursorField ? { 'valid-replication-keys': [cursorField] } : {}),
    ...(forced ? { 'forced-replication-method': forced } : {}),
  };
  const fields = propertyNames(stream.schema).map(
    (name): SingerMetadataEntry => ({
      breadcrumb: ['properties', name],
      metadata: { inclusion: automatic.has(name) ? 'automatic' : 'available', 'selected-by-default': true },
    }),
  );
  return {
    tap_stream_id: stream.name,
    stream: stream.name,
    schema: stream.schema,
    key_properties: keys,
    ...(cursorField ? { replication_key: cursorField } : {}),
    replication_method: forced ?? 'INCREMENTAL',
    metadata: [{ breadcrumb: [], metadata: root }, ...fields],
  };
}

/** The discovered catalog document: the streams of the scope, or of both when the scope is unknown. */
export function singerCatalog(scope: ScopeKind | undefined): { streams: SingerCatalogEntry[] } {
  return { streams: (scope ? streamsOfScope(scope) : [...STREAMS]).map(catalogEntry) };
}
