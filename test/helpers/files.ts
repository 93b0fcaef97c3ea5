/** Temporary JSON files for config, catalog and state, removed when the test file ends. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

export interface TempDir {
  path: (name: string) => string;
  json: (name: string, value: unknown) => string;
  text: (name: string, value: string) => string;
}

/** A temp dir removed after the test file (call at module or describe level). */
export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'source-devin-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dirApi(dir);
}

/** A temp dir removed when the current test finishes (call inside a test). */
export function scratchDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'source-devin-test-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dirApi(dir);
}

function dirApi(dir: string): TempDir {
  const path = (name: string): string => join(dir, name);
  return {
    path,
    json: (name, value) => {
      writeFileSync(path(name), JSON.stringify(value));
      return path(name);
    },
    text: (name, value) => {
      writeFileSync(path(name), value);
      return path(name);
    },
  };
}

export type SyncModeName = 'full_refresh' | 'incremental';

/** A configured catalog for the given streams (members is always full_refresh). */
export function configuredCatalog(streams: Record<string, SyncModeName>): unknown {
  return {
    streams: Object.entries(streams).map(([name, syncMode]) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: syncMode,
      destination_sync_mode: 'append',
    })),
  };
}

export const ALL_INCREMENTAL = { members: 'full_refresh', daily_consumption: 'incremental', pr_metrics: 'incremental' } as const;
export const ALL_FULL_REFRESH = { members: 'full_refresh', daily_consumption: 'full_refresh', pr_metrics: 'full_refresh' } as const;
