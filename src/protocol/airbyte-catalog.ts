/** The Airbyte catalog (discover) and the configured catalog (read's --catalog). */
import type { ConfiguredStream } from '../engine/read.js';
import { isRecord } from '../json.js';
import { STREAM_NAMES, findStream, streamsOfScope } from '../streams/index.js';
import { cursorFieldOf, syncModesOf, type ScopeKind, type SyncMode } from '../streams/types.js';

/** The streams of one scope (SPEC §4: discover lists exactly those). */
export function airbyteCatalog(scope: ScopeKind): { streams: Record<string, unknown>[] } {
  return {
    streams: streamsOfScope(scope).map((stream) => {
      const modes = syncModesOf(stream);
      const incremental = modes.includes('incremental');
      const cursorField = cursorFieldOf(stream);
      return {
        name: stream.name,
        json_schema: stream.schema,
        supported_sync_modes: modes,
        ...(cursorField ? { source_defined_cursor: true, default_cursor_field: [cursorField] } : { source_defined_cursor: false }),
        source_defined_primary_key: stream.primaryKey.map((path) => [...path]),
        // Incremental streams resume from their state (cursor plus in-slice progress).
        is_resumable: incremental,
      };
    }),
  };
}

/**
 * A ready-to-use configured catalog of every stream: all full refresh, or incremental wherever the
 * stream supports it (deduplicated on the primary key). What catalog/*.json and the acceptance-test
 * fixtures hold.
 */
export function configuredCatalogOf(scope: ScopeKind, mode: SyncMode, only?: (name: string) => boolean): { streams: Record<string, unknown>[] } {
  return {
    streams: airbyteCatalog(scope).streams.filter((stream) => !only || only(stream.name as string)).map((stream) => {
      const incremental = mode === 'incremental' && (stream.supported_sync_modes as SyncMode[]).includes('incremental');
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        ...(incremental ? { cursor_field: stream.default_cursor_field } : {}),
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        primary_key: stream.source_defined_primary_key,
      };
    }),
  };
}

/** A configured catalog the engine cannot use; the caller adds the file name. */
export class CatalogError extends Error {
  override name = 'CatalogError';
}

const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];

export function parseConfiguredCatalog(raw: unknown): ConfiguredStream[] {
  if (!isRecord(raw) || !Array.isArray(raw.streams)) {
    throw new CatalogError('must be a configured catalog: an object with a "streams" array');
  }
  if (raw.streams.length === 0) throw new CatalogError('lists no streams: select at least one');
  const configured: ConfiguredStream[] = [];
  raw.streams.forEach((entry: unknown, index: number) => {
    const where = `streams[${index}]`;
    if (!isRecord(entry) || !isRecord(entry.stream) || typeof entry.stream.name !== 'string') {
      throw new CatalogError(`${where} must have stream.name`);
    }
    const name = entry.stream.name;
    const stream = findStream(name);
    if (!stream) throw new CatalogError(`${where}: unknown stream "${name}" (this source has ${STREAM_NAMES.join(', ')})`);
    if (configured.some((c) => c.stream.name === name)) throw new CatalogError(`${where}: stream "${name}" is listed twice`);
    const syncMode = entry.sync_mode ?? 'full_refresh';
    if (typeof syncMode !== 'string' || !SYNC_MODES.includes(syncMode as SyncMode)) {
      throw new CatalogError(`${where}: sync_mode ${JSON.stringify(syncMode)} is not full_refresh or incremental`);
    }
    const modes = syncModesOf(stream);
    if (!modes.includes(syncMode as SyncMode)) {
      throw new CatalogError(`${where}: stream "${name}" does not support sync_mode ${syncMode} (it supports ${modes.join(', ')})`);
    }
    configured.push({ stream, syncMode: syncMode as SyncMode });
  });
  return configured;
}
