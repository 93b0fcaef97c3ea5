/**
 * Writes a WireResponse to a node:http response, including the deliberate connection reset.
 */
import type { ServerResponse } from 'node:http';
import type { WireResponse } from './wire-response.js';

/** False when the client (or close()) already tore the connection down. */
export function canWrite(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

export function writeWire(res: ServerResponse, wire: WireResponse): void {
  if (!canWrite(res)) return;
  res.writeHead(wire.status, { ...wire.headers, 'content-length': String(wire.body.length) });
  if (wire.resetAfterBytes === undefined) {
    res.end(wire.body);
    return;
  }
  // Headers promise the whole body; send part of it, then drop the connection.
  res.write(wire.body.subarray(0, wire.resetAfterBytes), () => {
    res.socket?.destroy();
  });
}
