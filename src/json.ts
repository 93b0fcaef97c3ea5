/**
 * The one guard for "a JSON object" (not null, not an array), shared by every layer: the API's
 * bodies, the catalog and state files, the simulator's payloads. At the root of src/ so that any
 * layer may import it without depending on another.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
