/**
 * List items as records: the id check every listed item passes (organizations, service users,
 * playbooks, notes, secrets, audit log entries), and directory items with every field passed
 * through and their API timestamps (Unix seconds, or milliseconds above 10^11) as date-times.
 */
import { RowTyper, apiTimestamp, isRecord, type NormalizedRecord } from './normalize.js';
import type { PlanContext } from './types.js';

/**
 * The item when it is an object with a non-empty string `idField` (the one thing a record of it
 * cannot do without); otherwise undefined, after `ctx.skipRow` names what was missing.
 */
export function keyedItem(item: unknown, idField: string, label: string, ctx: PlanContext): Record<string, unknown> | undefined {
  if (isRecord(item) && typeof item[idField] === 'string' && item[idField] !== '') return item;
  ctx.skipRow(`${label} without a ${idField}`);
  return undefined;
}

/** The item with its id checked and its timestamp fields converted, or undefined (skipped). */
export function itemRecord(
  item: unknown,
  idField: string,
  timestampFields: readonly string[],
  label: string,
  ctx: PlanContext,
): NormalizedRecord | undefined {
  const keyed = keyedItem(item, idField, label, ctx);
  if (keyed === undefined) return undefined;
  const typer = new RowTyper();
  const data: Record<string, unknown> = { ...keyed };
  for (const field of timestampFields) if (field in data) data[field] = apiTimestamp(typer, data[field], field);
  return typer.record(data);
}
