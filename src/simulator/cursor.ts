/**
 * Opaque page cursors. A cursor names the creation index of the last member already served
 * (keyset pagination, so a member added or removed mid-walk does not shift later pages). The
 * index is masked and signed with seed-derived values bound to one listing, so cursors cannot be
 * guessed, edited or replayed against another listing: 8 bytes, base64url.
 */
import { hashInts, hashString } from './hash.js';

function mask(seed: number, listing: string): number {
  return hashInts(seed, hashString(listing), 0xc0ffee);
}

function signature(seed: number, listing: string, afterIndex: number): number {
  return hashInts(seed, hashString(listing), afterIndex, 0x5167);
}

/** `afterIndex` -1 means "before the first member". */
export function encodeCursor(seed: number, listing: string, afterIndex: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(((afterIndex + 1) ^ mask(seed, listing)) >>> 0, 0);
  bytes.writeUInt32BE(signature(seed, listing, afterIndex), 4);
  return bytes.toString('base64url');
}

/** The creation index a cursor points after, or undefined when it is garbled or foreign. */
export function decodeCursor(seed: number, listing: string, cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{11}$/.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== 8 || bytes.toString('base64url') !== cursor) return undefined;
  const afterIndex = ((bytes.readUInt32BE(0) ^ mask(seed, listing)) >>> 0) - 1;
  if (bytes.readUInt32BE(4) !== signature(seed, listing, afterIndex)) return undefined;
  return afterIndex;
}
