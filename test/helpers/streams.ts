/** In-memory stdout/stderr for in-process runs. */
import { Writable } from 'node:stream';

/** Collects everything written. */
export class CollectingStream extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

/**
 * stdout that dies right after the k-th STATE line (Airbyte or Singer), like a process killed at
 * that moment: what came before reached the reader, nothing after it does.
 */
export class KillAfterStates extends Writable {
  text = '';
  private states = 0;
  constructor(private readonly k: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, callback: (error?: Error | null) => void): void {
    if (this.states >= this.k) return callback(killed());
    for (const line of chunk.toString('utf8').split(/(?<=\n)/)) {
      this.text += line;
      if (line.startsWith('{"type":"STATE"')) this.states += 1;
      if (this.states >= this.k) return callback(killed());
    }
    callback();
  }
}

function killed(): Error {
  return Object.assign(new Error('killed'), { code: 'EPIPE' });
}
