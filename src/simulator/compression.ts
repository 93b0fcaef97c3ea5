/**
 * Optional content coding of answers (off by default, so benchmarks on loopback do not pay for
 * compression): with `compression` set, a body is encoded when the request's Accept-Encoding allows
 * it, as a real API behind a CDN would. 'auto' picks br, then gzip, then deflate.
 */
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import type { ContentCoding, SimulatorCompression } from './types.js';
import type { WireResponse } from './wire-response.js';

const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip', 'deflate'];

/** Codings the client accepts (q > 0); `*` accepts any. */
export function acceptedCodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(name);
  }
  return accepted;
}

function chooseCoding(mode: SimulatorCompression, acceptEncoding: string | undefined): ContentCoding | undefined {
  if (mode === null) return undefined;
  const accepted = acceptedCodings(acceptEncoding);
  const allowed = (coding: ContentCoding): boolean => accepted.has(coding) || accepted.has('*');
  if (mode === 'auto') return PREFERENCE.find(allowed);
  return allowed(mode) ? mode : undefined;
}

export function encode(coding: ContentCoding, body: Buffer): Buffer {
  switch (coding) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      // quality 4: the default 11 costs tens of ms per page; a CDN uses a fast level on the fly too
      return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
  }
}

/** The wire response, encoded when the mode and the request allow it. */
export function compressWire(wire: WireResponse, mode: SimulatorCompression, acceptEncoding: string | undefined): WireResponse {
  const coding = chooseCoding(mode, acceptEncoding);
  if (coding === undefined || wire.body.length === 0 || wire.headers['content-encoding'] !== undefined) return wire;
  const body = encode(coding, wire.body);
  const resetAfterBytes = wire.resetAfterBytes === undefined ? undefined : Math.floor(body.length / 2);
  return {
    ...wire,
    headers: { ...wire.headers, 'content-encoding': coding, vary: 'Accept-Encoding' },
    body,
    ...(resetAfterBytes === undefined ? {} : { resetAfterBytes }),
  };
}
