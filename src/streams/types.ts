/**
 * What a stream is, as data — in the spirit of Airbyte's declarative manifests, without their
 * indirection: a name, a schema, a key, the scopes that offer it, a cursor kind and a source. The
 * source names the parts the engine composes (a directory of partitions, windows of billing days,
 * the endpoint) and holds the two functions only the stream can know: how to build one request and
 * how to turn one answer into records. The engine (src/engine) owns ranges, windows, partitions,
 * state, checkpoints and concurrency, and knows no stream by name.
 */
import { readFileSync } from 'node:fs';
import type { ConnectorConfig } from '../config/resolve.js';
import type { ApiRequest, QueryParams } from '../devin/client.js';
import type { EndpointName, Scope } from '../devin/endpoints.js';
import type { PeriodUnit } from '../devin/utc-periods.js';
import type { NormalizedRecord } from './normalize.js';

export type StreamName = string;
export type ScopeKind = Scope['kind'];
export type SyncMode = 'full_refresh' | 'incremental';
export type JsonSchema = Record<string, unknown>;

/** Where an incremental stream keeps its place, and in which unit. */
export type CursorSpec =
  /** The last complete billing day (`YYYY-MM-DD`), under `date`. */
  | { kind: 'billing-day'; field: 'date' }
  /** The end of the last complete window (`YYYY-MM-DDTHH:MM:SSZ`), under `field` (SPEC §13). */
  | { kind: 'timestamp'; field: string };

/** One partition a fan-out runs over (a member, an organization, a service user). */
export interface PartitionRef {
  id: string;
  /** The directory record's `partitionFields` (email, name, …), for streams that copy them onto their rows. */
  fields: Readonly<Record<string, unknown>>;
}

/** Everything a stream's functions may look at while building requests and records. */
export interface PlanContext {
  scope: Scope;
  /** `org_id` for records: the organization in organization scope, null in enterprise scope. */
  orgId: string | null;
  /** Today's billing day: the one still accumulating (`is_partial_day`). */
  today: number;
  /** Called for rows that cannot be keyed and are skipped (logged once per stream by the engine). */
  skipRow(reason: string): void;
}

/** Days are day numbers (see devin/billing-day.ts); `to` is inclusive. */
export interface DayRange {
  from: number;
  to: number;
}

/** Names of the partition directories (src/streams/directories.ts). */
export type DirectoryName = 'members' | 'organizations' | 'service_users';

/** A listing a directory is made of (members: the direct listing and the IdP-group listing). */
export interface DirectoryListing {
  name: string;
  endpoint: EndpointName;
  query?: QueryParams;
}

/**
 * A list of partitions, loaded once per read and shared by every stream that needs it: the stream
 * of the same name emits it, fan-outs run over it. Sorted by id, so progress can say "every
 * partition up to X is done".
 */
export interface DirectoryDeclaration {
  name: DirectoryName;
  /** The field of the record that is the partition's id. */
  idField: string;
  /** What one item is called in messages ("member"). */
  itemLabel: string;
  /**
   * The record's fields a fan-out copies onto its rows (members: email): all a partition keeps, so
   * the full records are let go once the directory's stream has emitted them, not held for the read.
   */
  partitionFields: readonly string[];
  listings(config: ConnectorConfig): readonly DirectoryListing[];
  /** The record of one listing's item, or undefined (and ctx.skipRow) when it cannot be keyed. */
  fromItem(item: unknown, listing: DirectoryListing, ctx: PlanContext): NormalizedRecord | undefined;
  /** The same id in a later listing: how the two become one record. */
  merge(first: NormalizedRecord, later: NormalizedRecord): NormalizedRecord;
}

export type SourceSpec =
  | ListSourceSpec
  /** The records of a directory (members). */
  | { kind: 'directory'; directory: DirectoryName }
  /**
   * Requests over billing days, for the whole scope or per partition. `span: 'window'` asks for up
   * to `window_days` days at once (halved on a 400/422 for this endpoint only); `span: 'day'` asks
   * one billing day per request.
   */
  | {
      kind: 'day-windows';
      endpoint: EndpointName;
      partitions?: DirectoryName;
      span: 'window' | 'day';
      request(range: DayRange, partition: PartitionRef | undefined, ctx: PlanContext): ApiRequest;
      records(body: unknown, range: DayRange, partition: PartitionRef | undefined, ctx: PlanContext): NormalizedRecord[];
    }
  | TimeWindowSource
  | PeriodsSource
  | ChildSource;

/** One request of a periods source, in Unix seconds: `from` is a period start; `to` one too, or the read's start. */
export interface PeriodWindow {
  unit: PeriodUnit;
  from: number;
  to: number;
  /** The moment the read started (whole seconds): the period containing it is still accumulating. */
  readStart: number;
}

/**
 * Metrics per UTC period, one endpoint per unit, each answering one point per period the window
 * overlaps (SPEC §5.5). Asked from the start of the period containing start_date up to the read's
 * start (and at most the end of the period containing end_date), in windows that begin on a period
 * boundary, so every period comes back whole (the running one up to the read's start).
 */
export interface PeriodsSource {
  kind: 'periods';
  units: readonly { unit: PeriodUnit; endpoint: EndpointName }[];
  /** The two query parameters of a window, `[after, before]`, sent as Unix seconds. */
  filter: readonly [string, string];
  /** The records of one answer (points outside the window, or unkeyable: ctx.skipRow). */
  records(body: unknown, window: PeriodWindow, ctx: PlanContext): NormalizedRecord[];
}

/**
 * A paginated list filtered by a half-open time window (SPEC §13): the range is cut into windows of
 * at most 100 days, every row's time is checked against the window asked for, and a server that
 * ignores the filter is read once, filtered here.
 */
export interface TimeWindowSource {
  kind: 'time-windows';
  endpoint: EndpointName;
  /** The two query parameters of a window, `[after, before]`, sent as Unix seconds. */
  filter: readonly [string, string];
  /** Parameters every request carries besides the window (audit logs: `order=asc`). */
  query?: QueryParams;
  /** The row's time in Unix seconds (what the window filters on); undefined when it has none. */
  rowTime(item: unknown): number | undefined;
  /**
   * The row's identity (its id as the API gave it), so that the one pass after a server ignored the
   * filter does not repeat rows: only these small keys are kept, never the rows. Default: the row's JSON.
   */
  rowId?(item: unknown): string | undefined;
  /** The records of one row (none when it cannot be keyed: ctx.skipRow). */
  records(item: unknown, ctx: PlanContext): NormalizedRecord[];
}

/**
 * A stream that follows the rows of a time-window stream (its parent): it is read for the parent
 * rows read in the range, and its cursor is the parent's. Read together with the parent (or with
 * another child of it) in the same sync mode from the same cursor, each parent page is fetched once.
 */
export type ChildSource =
  /** Records derived from each parent row: no request of its own. */
  | { kind: 'child'; parent: StreamName; records(parentItem: unknown, ctx: PlanContext): NormalizedRecord[] }
  /** One paginated listing per parent row. */
  | {
      kind: 'child-listing';
      parent: StreamName;
      endpoint: EndpointName;
      /** The listing of one parent row, or undefined (and ctx.skipRow) when the row has no usable id. */
      request(parentItem: unknown, ctx: PlanContext): ApiRequest | undefined;
      records(item: unknown, parentItem: unknown, ctx: PlanContext): NormalizedRecord[];
    };

export interface ListSourceSpec {
  kind: 'list';
  endpoint: EndpointName;
  query?: QueryParams;
  /** The record of one item, or undefined (and ctx.skipRow) when it cannot be keyed. */
  record(item: unknown, ctx: PlanContext): NormalizedRecord | undefined;
}

export interface StreamDeclaration {
  name: StreamName;
  description: string;
  schema: JsonSchema;
  primaryKey: readonly (readonly string[])[];
  /** The key scopes that offer this stream (SPEC §5 "scopes"). */
  scopes: readonly ScopeKind[];
  /** Selected when nothing is selected, and listed in metadata.yaml suggestedStreams (SPEC §5). */
  default: boolean;
  /** Incremental streams only. */
  cursor?: CursorSpec;
  source: SourceSpec;
  /** Every endpoint whose permission the stream needs (check probes them; 403s name them). */
  endpoints: readonly EndpointName[];
}

export function syncModesOf(stream: StreamDeclaration): SyncMode[] {
  return stream.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'];
}

export function cursorFieldOf(stream: StreamDeclaration): string | undefined {
  return stream.cursor?.field;
}

/** Loads `schemas/<name>.json` (shipped beside dist/ in the package and the image). */
export function loadSchema(name: StreamName): JsonSchema {
  const url = new URL(`../../schemas/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchema;
}
