/**
 * Opaque keyset cursors for the session lists: they name the (created_at, tie-break) of the last
 * session served, so sessions updated, added or created mid-walk never shift later pages (the
 * order does not depend on updated_at). Masked and signed per listing like cursor.ts: 12 bytes,
 * base64url.
 */
import { hashInts, hashString } from './hash.js';
import type { SessionKey } from './session-scan.js';

function mask(seed: number, listing: string, word: number): number {
  return hashInts(seed, hashString(listing), 0x5e55, word);
}

function signature(seed: number, listing: string, key: SessionKey): number {
  return hashInts(seed, hashString(listing), key.created, key.tie, 0x519);
}

export function encodeSessionCursor(seed: number, listing: string, key: SessionKey): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE((key.created ^ mask(seed, listing, 0)) >>> 0, 0);
  bytes.writeUInt32BE((key.tie ^ mask(seed, listing, 1)) >>> 0, 4);
  bytes.writeUInt32BE(signature(seed, listing, key), 8);
  return bytes.toString('base64url');
}

/** The key a cursor points after, or undefined when it is garbled or from another listing. */
export function decodeSessionCursor(seed: number, listing: string, cursor: string): SessionKey | undefined {
  if (!/^[A-Za-z0-9_-]{16}$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== 12 || bytes.toString('base64url') !== cursor) return undefined;
  const key = {
    created: (bytes.readUInt32BE(0) ^ mask(seed, listing, 0)) >>> 0,
    tie: (bytes.readUInt32BE(4) ^ mask(seed, listing, 1)) >>> 0,
  };
  return bytes.readUInt32BE(8) === signature(seed, listing, key) ? key : undefined;
}
