/**
 * zod pieces for the JSON documents the connector reads from files (configured catalogs, state).
 * `jsonObject` checks without copying: a catalog's or state's objects are used (and carried through
 * into output state) as they came, and a copy made key by key could trip over a `__proto__` key.
 */
import * as z from 'zod/mini';
import { isRecord } from './json.js';

export const jsonObject = z.custom<Record<string, unknown>>(isRecord);
