/**
 * What a stream is, as data: its name, schema, keys, cursor, sync modes, and a read plan that tells
 * the engine which endpoint to fan out over, how to build each request and how to turn an answer
 * into records. The engine (src/engine) owns slicing, state, checkpoints and concurrency.
 */
import { readFileSync } from 'node:fs';
import type { ApiRequest } from '../devin/client.js';
import type { EndpointName, Scope } from '../devin/endpoints.js';
import type { ConnectorConfig } from '../config/resolve.js';
import type { NormalizedRecord } from './normalize.js';

export type StreamName = 'members' | 'daily_consumption' | 'pr_metrics';
export type SyncMode = 'full_refresh' | 'incremental';
export type JsonSchema = Record<string, unknown>;

/** What fan-out streams need to know about a member. */
export interface MemberRef {
  user_id: string;
  email: string | null;
}

/** Everything a plan may look at while building requests and records. */
export interface PlanContext {
  scope: Scope;
  /** `org_id` for records: the organization in organization scope, null in enterprise scope. */
  orgId: string | null;
  /** Called for rows that cannot be keyed and are skipped (logged once per stream by the engine). */
  skipRow(reason: string): void;
}

/** Days are day numbers (see devin/billing-day.ts); `to` is inclusive. */
export interface DayRange {
  from: number;
  to: number;
}

export type ReadPlan =
  /** The de-duplicated member directory itself (members stream). */
  | { kind: 'member-list' }
  /**
   * One request per member per span of billing days. `span: 'window'` asks for up to `window_days`
   * days at once (shrinking on a 400/422); `span: 'day'` asks one billing day per request.
   */
  | {
      kind: 'member-fanout';
      endpoint: EndpointName;
      span: 'window' | 'day';
      request(member: MemberRef, range: DayRange, ctx: PlanContext): ApiRequest;
      records(body: unknown, member: MemberRef, range: DayRange, ctx: PlanContext): NormalizedRecord[];
    }
  /** One request per billing day for the whole scope. */
  | {
      kind: 'day-sequence';
      endpoint: EndpointName;
      request(day: number, ctx: PlanContext): ApiRequest;
      records(body: unknown, day: number, ctx: PlanContext): NormalizedRecord[];
    };

export interface StreamDefinition {
  name: StreamName;
  description: string;
  schema: JsonSchema;
  syncModes: readonly SyncMode[];
  /** Top-level cursor field for incremental streams. */
  cursorField: string | undefined;
  primaryKey(config: Pick<ConnectorConfig, 'prMetricsGranularity'>): string[][];
  plan(config: Pick<ConnectorConfig, 'prMetricsGranularity'>): ReadPlan;
  /**
   * Settings the cursor depends on, stored in the state beside it: a state written under other
   * settings (pr_metrics per day vs per member) is not reused.
   */
  stateTag?(config: Pick<ConnectorConfig, 'prMetricsGranularity'>): Record<string, string>;
}

/** Loads `schemas/<name>.json` (shipped beside dist/ in the package and the image). */
export function loadSchema(name: StreamName): JsonSchema {
  const url = new URL(`../../schemas/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchema;
}
