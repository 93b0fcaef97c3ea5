/**
 * Directory items (organizations, service users) as records: every field of the item passed
 * through, API timestamps (Unix seconds, or milliseconds above 10^11) as `YYYY-MM-DDTHH:MM:SSZ`.
 */
import { RowTyper, isRecord, type NormalizedRecord } from './normalize.js';
import type { PlanContext } from './types.js';

/** Seconds above this are taken to be milliseconds (SPEC §5). */
const MILLISECONDS_FROM = 1e11;

export function dateTimeOf(value: unknown, field: string, typer: RowTyper): string | null {
  const number = typer.number(value, field);
  if (number === null) return null;
  const seconds = number > MILLISECONDS_FROM ? number / 1000 : number;
  const date = new Date(Math.floor(seconds) * 1000);
  if (Number.isNaN(date.getTime())) {
    typer.changes = [...(typer.changes ?? []), { field, change: 'NULLED', reason: 'SOURCE_SERIALIZATION_ERROR' }];
    return null;
  }
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The item with its id checked and its timestamp fields converted, or undefined (skipped). */
export function itemRecord(
  item: unknown,
  idField: string,
  timestampFields: readonly string[],
  label: string,
  ctx: PlanContext,
): NormalizedRecord | undefined {
  if (!isRecord(item) || typeof item[idField] !== 'string' || item[idField] === '') {
    ctx.skipRow(`${label} without a ${idField}`);
    return undefined;
  }
  const typer = new RowTyper();
  const data: Record<string, unknown> = { ...item };
  for (const field of timestampFields) if (field in data) data[field] = dateTimeOf(data[field], field, typer);
  return typer.changes ? { data, changes: typer.changes } : { data };
}
