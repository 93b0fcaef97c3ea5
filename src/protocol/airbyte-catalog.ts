/** The Airbyte catalog (discover) and the configured catalog (read's --catalog). */
import * as z from 'zod/mini';
import type { ConfiguredStream } from '../engine/read.js';
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
 * @public scripts/gen-catalogs.mjs and gen-expected-records.mjs call it through dist/, where knip cannot follow.
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

const SYNC_MODES = ['full_refresh', 'incremental'] as const satisfies readonly SyncMode[];

/** What the engine reads of a configured catalog; the rest (destination_sync_mode, …) is Airbyte's. */
const catalogShape = z.object({ streams: z.array(z.unknown()) });
const entryShape = z.object({ stream: z.object({ name: z.string() }), sync_mode: z.optional(z.unknown()) });
const syncModeShape = z.nullish(z.enum(SYNC_MODES));

export function parseConfiguredCatalog(raw: unknown): ConfiguredStream[] {
  const catalog = catalogShape.safeParse(raw);
  if (!catalog.success) throw new CatalogError('must be a configured catalog: an object with a "streams" array');
  if (catalog.data.streams.length === 0) throw new CatalogError('lists no streams: select at least one');
  const configured: ConfiguredStream[] = [];
  catalog.data.streams.forEach((item, index) => {
    const where = `streams[${index}]`;
    const entry = entryShape.safeParse(item);
    if (!entry.success) throw new CatalogError(`${where} must have stream.name`);
    const { name } = entry.data.stream;
    const stream = findStream(name);
    if (!stream) throw new CatalogError(`${where}: unknown stream "${name}" (this source has ${STREAM_NAMES.join(', ')})`);
    if (configured.some((c) => c.stream.name === name)) throw new CatalogError(`${where}: stream "${name}" is listed twice`);
    const parsedMode = syncModeShape.safeParse(entry.data.sync_mode);
    if (!parsedMode.success) {
      throw new CatalogError(`${where}: sync_mode ${JSON.stringify(entry.data.sync_mode)} is not full_refresh or incremental`);
    }
    const syncMode = parsedMode.data ?? 'full_refresh';
    const modes = syncModesOf(stream);
    if (!modes.includes(syncMode)) {
      throw new CatalogError(`${where}: stream "${name}" does not support sync_mode ${syncMode} (it supports ${modes.join(', ')})`);
    }
    configured.push({ stream, syncMode });
  });
  return configured;
}
