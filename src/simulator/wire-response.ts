/**
 * The bytes about to be written, plus the misbehaviours a fault may ask of the writer.
 */
import type { ApiResponse } from './api-response.js';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Write only this many body bytes, then destroy the socket (connection reset mid-body). */
  resetAfterBytes?: number;
  /** Wait this long before writing. */
  delayMs?: number;
}

export function serialise(response: ApiResponse): WireResponse {
  const body = Buffer.from(JSON.stringify(response.payload), 'utf8');
  return {
    status: response.status,
    headers: { 'content-type': response.contentType, ...response.headers },
    body,
  };
}
