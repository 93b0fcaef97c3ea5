/**
 * What the client makes of an answer's body for a message: the human part of an error body
 * (ProblemDetail, FastAPI's 422 list, text), on one line, and a short description of a body that is not
 * JSON. Server text is redacted by the client before it is cut short (`clip`).
 */
import type { Dispatcher } from 'undici';
import { readBody } from './response-body.js';

const MAX_ERROR_BODY_CHARS = 2_000;
/** Error bodies are read only for their `detail`; a bigger one is skipped, not parsed. */
const MAX_ERROR_BODY_BYTES = 256 * 1024;

export async function readErrorBody(response: Dispatcher.ResponseData): Promise<{ detail: string | undefined }> {
  let text: string;
  try {
    text = (await readBody(response, MAX_ERROR_BODY_BYTES, 'an error body')).toString('utf8');
  } catch {
    return { detail: undefined };
  }
  return { detail: errorDetail(text) };
}

/**
 * The human part of an error body: ProblemDetail `detail`/`title`, FastAPI's 422 list, or text.
 * Whole, on one line: the client redacts it before it cuts it short (`clean`).
 */
export function errorDetail(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof body.detail === 'string') return oneLine(body.detail);
    if (Array.isArray(body.detail)) {
      return oneLine(
        body.detail
          .map((item) => (item && typeof item === 'object' && 'msg' in item ? String(item.msg) : JSON.stringify(item)))
          .join('; '),
      );
    }
    if (typeof body.title === 'string') return oneLine(body.title);
  } catch {
    // not JSON: fall through
  }
  return /<html|<!doctype/i.test(trimmed) ? 'an HTML error page' : oneLine(trimmed);
}

/** Whitespace runs (newlines included) as one space. Not cut short: see `clip`. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts server text short for a message; only ever applied to redacted text (see `clean`). */
export function clip(text: string): string {
  return text.length > MAX_ERROR_BODY_CHARS ? `${text.slice(0, MAX_ERROR_BODY_CHARS)}…` : text;
}

export function describeBody(text: string): string {
  if (text.length === 0) return 'empty';
  if (/<html|<!doctype/i.test(text)) return 'an HTML page';
  return `${text.length} bytes`;
}

