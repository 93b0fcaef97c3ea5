/** Ajv 8 and ajv-formats are CommonJS; this is the one place that bridges their default exports. */
import { Ajv } from 'ajv';
import formats from 'ajv-formats';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((formats as unknown as { default?: AddFormats }).default ?? formats) as unknown as AddFormats;

/** A lenient Ajv (unknown keywords such as `airbyte_secret` or `nullable` allowed) with formats. */
export function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

export type { ValidateFunction } from 'ajv';
