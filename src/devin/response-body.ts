/**
 * Reading one HTTP answer's body, bounded: the client asks for compressed answers (JSON pages shrink
 * about tenfold), so the body is decoded here (undici's `request` does not), and every answer has a
 * price ceiling — decoded bytes, nesting depth, and the number of objects and arrays — checked before
 * JSON.parse builds anything. Without them a 300 MB page took the process to 2.5 GB, 600 MB could not
 * become a string at all, and 5,000 levels of nesting overflowed the stack. An answer over a limit
 * will not get smaller on a retry: it fails its request with a one-line error naming the limit.
 */
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ResponseShapeError } from './errors.js';

/** What the client offers; every coding named here is decoded below. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

export interface BodyLimits {
  /** Largest body, counted after decoding (a decompression bomb stops here). */
  maxBytes: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Most arrays and objects in one answer (wide `[[],[],…]` bodies cost ~60 bytes of heap per 3 bytes). */
  maxContainers: number;
}

const MiB = 1024 * 1024;

/**
 * 64 MiB decoded: a 200-item page of sessions with structured output is a few MB, so this is
 * generous, and parsing it stays under a few hundred MB of heap. 256 levels: real pages nest fewer
 * than 10. A million arrays and objects: a realistic 64 MiB page holds about that many.
 */
export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 64 * MiB, maxDepth: 256, maxContainers: 1_000_000 };

/** An answer over one of the limits (or in a coding we cannot read): fails the request, not retried. */
export class BodyLimitError extends ResponseShapeError {
  override name = 'BodyLimitError';
}

/** A compressed body that does not decode (cut short, corrupted by a proxy): worth another attempt. */
export class BodyDecodeError extends Error {
  override name = 'BodyDecodeError';
}

export interface ResponseLike {
  /** undici's body: a Readable with the fetch-style readers. */
  body: Readable & { arrayBuffer(): Promise<ArrayBuffer> };
  headers: Record<string, string | string[] | undefined>;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The codings applied to the body, in the order they were applied; `identity` dropped. */
export function contentCodings(header: string | string[] | undefined): string[] {
  const value = headerValue(header);
  if (value === undefined) return [];
  return value
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

function decoderFor(coding: string, what: string): Transform {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new BodyLimitError(
        `${what}: the API answered with Content-Encoding "${coding.slice(0, 40)}", which the connector cannot decode ` +
          `(it asks for ${ACCEPT_ENCODING})`,
      );
  }
}

export function describeBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function tooLarge(what: string, maxBytes: number): BodyLimitError {
  return new BodyLimitError(`${what}: the answer is larger than the ${describeBytes(maxBytes)} limit for one response body (decoded); not retried`);
}

function isZlibError(error: unknown): error is Error & { code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

/** stream/promises' pipeline over a list of codings (its overloads only type fixed arities). */
const chain = pipeline as unknown as (...stages: Array<Readable | Transform | ((source: AsyncIterable<Buffer>) => Promise<void>)>) => Promise<void>;

/**
 * The whole body, decoded, at most `maxBytes` of it. Errors of the connection itself (reset, cut
 * short) come out as undici threw them, so the client retries them as before.
 */
export async function readBody(response: ResponseLike, maxBytes: number, what: string): Promise<Buffer> {
  const codings = contentCodings(response.headers['content-encoding']);
  let decoders: Transform[];
  try {
    decoders = [...codings].reverse().map((coding) => decoderFor(coding, what));
  } catch (error) {
    response.body.destroy();
    throw error;
  }
  if (decoders.length > 0) return readDecoded(response.body, decoders, codings, maxBytes, what);
  const declared = Number(headerValue(response.headers['content-length']));
  if (!Number.isFinite(declared)) return readChunked(response.body, maxBytes, what);
  if (declared > maxBytes) {
    response.body.destroy(); // do not download what will be refused
    throw tooLarge(what, maxBytes);
  }
  // The common case, on every request: the length is declared and within the limit (undici fails a
  // body that runs past it), so undici's own reader, the cheapest, cannot overrun.
  return Buffer.from(await response.body.arrayBuffer());
}

/** No declared length: counted as it arrives ('data' events cost less than an async iterator). */
function readChunked(body: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise<Buffer>((resolve, reject) => {
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      body.destroy();
      reject(tooLarge(what, maxBytes));
    });
    body.once('end', () => resolve(Buffer.concat(chunks, size)));
    body.once('error', reject);
    // closed without 'end' or 'error' (never seen from undici): a body cut short, retried as one
    body.once('close', () => reject(Object.assign(new Error('the body closed before its end'), { code: 'UND_ERR_SOCKET' })));
  });
}

/** Through the decoders; the limit counts decoded bytes, so a decompression bomb stops at it. */
async function readDecoded(body: Readable, decoders: Transform[], codings: string[], maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  /** Set when the limit stops the read: pipeline then rejects with the AbortError of the teardown. */
  let refused: BodyLimitError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > maxBytes) throw (refused = tooLarge(what, maxBytes));
      chunks.push(chunk);
    }
  };
  try {
    await chain(body, ...decoders, collect);
  } catch (error) {
    if (refused) throw refused;
    if (isZlibError(error)) {
      throw new BodyDecodeError(`HTTP 200 with a ${codings.join('+')} body that does not decode (${error.code}: ${error.message})`);
    }
    throw error;
  }
  return Buffer.concat(chunks, size);
}

/**
 * Refuses an answer nested deeper than `maxDepth` or holding more than `maxContainers` arrays and
 * objects, by one pass over the bytes (strings skipped), before JSON.parse allocates anything.
 * Brackets inside strings are skipped; malformed input is left for JSON.parse to reject.
 */
export function checkShape(bytes: Uint8Array, limits: BodyLimits, what: string): void {
  let depth = 0;
  let containers = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i += 1) {
    const byte = bytes[i]!;
    if (byte === 0x22) {
      i = closingQuote(bytes, i);
    } else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      containers += 1;
      if (depth > limits.maxDepth) {
        throw new BodyLimitError(`${what}: the answer nests deeper than the limit of ${limits.maxDepth} levels; not retried`);
      }
      if (containers > limits.maxContainers) {
        throw new BodyLimitError(
          `${what}: the answer holds more than the limit of ${limits.maxContainers} arrays and objects; not retried`,
        );
      }
    } else if (byte === 0x5d || byte === 0x7d) {
      depth -= 1;
    }
  }
}

/** Strings shorter than this are skipped byte by byte; longer ones with indexOf (memchr). */
const SHORT_STRING = 32;

/**
 * Index of the quote that closes the string opened at `open` (or the end). Keys and short values
 * are cheapest to step over in JS; long strings (most of a page's bytes) are crossed with indexOf,
 * whose call costs ~100 ns. A quote preceded by an odd run of backslashes is escaped.
 */
function closingQuote(bytes: Uint8Array, open: number): number {
  const length = bytes.length;
  const shortEnd = Math.min(length, open + SHORT_STRING);
  let i = open + 1;
  for (; i < shortEnd; i += 1) {
    const byte = bytes[i]!;
    if (byte === 0x22) return i;
    if (byte === 0x5c) i += 1;
  }
  if (i >= length) return length;
  let quote = bytes.indexOf(0x22, i);
  while (quote !== -1) {
    let backslashes = 0;
    while (quote - 1 - backslashes >= i && bytes[quote - 1 - backslashes] === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(0x22, quote + 1);
  }
  return length;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; text: string };

/** JSON.parse of a body within the limits; `ok: false` (with the text) when it is not JSON. */
export function parseJsonBody(bytes: Buffer, limits: BodyLimits, what: string): ParsedBody {
  checkShape(bytes, limits, what);
  // A UTF-8 byte order mark is not JSON, but undici's text() (used before) dropped it.
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', start);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, text };
  }
}
