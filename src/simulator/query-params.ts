/**
 * Query-parameter parsing with FastAPI/pydantic-style validation issues (the 422 body).
 */
import type { ValidationIssue } from './api-response.js';

export type Query = Record<string, string[]>;

/** FastAPI keeps the last value of a repeated scalar parameter. */
export function lastValue(query: Query, name: string): string | undefined {
  const values = query[name];
  return values === undefined ? undefined : values[values.length - 1];
}

const INTEGER = /^-?\d+$/;

export interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
}

/**
 * Parses an integer parameter. Returns the value (undefined when absent and optional) and pushes
 * an issue onto `issues` when the parameter is invalid.
 */
export function integerParam(query: Query, name: string, rule: IntegerRule, issues: ValidationIssue[]): number | undefined {
  const raw = lastValue(query, name);
  if (raw === undefined) {
    if (rule.required) issues.push({ loc: ['query', name], msg: 'Field required', type: 'missing', input: null });
    return undefined;
  }
  const value = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(value)) {
    issues.push({
      loc: ['query', name],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      type: 'int_parsing',
      input: raw,
    });
    return undefined;
  }
  if (rule.min !== undefined && value < rule.min) {
    issues.push({
      loc: ['query', name],
      msg: `Input should be greater than or equal to ${rule.min}`,
      type: 'greater_than_equal',
      input: raw,
      ctx: { ge: rule.min },
    });
    return undefined;
  }
  if (rule.max !== undefined && value > rule.max) {
    issues.push({
      loc: ['query', name],
      msg: `Input should be less than or equal to ${rule.max}`,
      type: 'less_than_equal',
      input: raw,
      ctx: { le: rule.max },
    });
    return undefined;
  }
  return value;
}
