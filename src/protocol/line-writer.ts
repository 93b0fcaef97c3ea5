/**
 * The only code that writes to stdout. Messages are JSON lines, batched into large writes (one
 * write per event-loop turn or per 48 Ki characters), in order — so a STATE line always follows the records
 * it covers — and with backpressure: when the reader falls behind, `write` returns a promise that
 * resolves once the stream drains, and callers wait on it.
 */
import type { Writable } from 'node:stream';

/**
 * Every string this writer builds stays below V8's large-object size (128 KiB): a larger one is
 * allocated in the large-object space, where dead ones are only freed by the next young-generation
 * collection, so a burst of them (the member list, 40 batches of 256 records written in one turn)
 * held ≈ 10 MB of garbage at once (BENCHMARKS.md, "Peak RSS"). Callers hand over text in pieces of at
 * most about `PIECE_CHARS` (`writeLines`), the writer joins them up to `FLUSH_CHARS`: a joined write
 * is under 64 Ki characters, 64 KiB when one byte each (what V8 uses unless a line has a character
 * above U+00FF, when it is twice that).
 */
export const PIECE_CHARS = 16 * 1024;
const FLUSH_CHARS = 48 * 1024;

/** stdout was closed by the reader (EPIPE) or failed: nothing more can be delivered. */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';
}

export class LineWriter {
  private chunks: string[] = [];
  private chars = 0;
  private scheduled = false;
  private draining: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly onError = (error: Error): void => {
    if (this.failure) return;
    this.failure = new OutputClosedError(`stdout failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
    this.onClosed?.();
  };

  /** `onClosed` runs once when the reader goes away, so the caller can stop all work at once. */
  constructor(
    private readonly out: Writable,
    private readonly onClosed?: () => void,
  ) {
    out.on('error', this.onError);
  }

  /** Set once the reader is gone; nothing more can be delivered. */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues one message. Returns a promise only when the caller should wait for the reader. */
  write(message: unknown): Promise<void> | undefined {
    return this.writeText(`${JSON.stringify(message)}\n`);
  }

  /**
   * Queues many lines as pieces of about `PIECE_CHARS` (see above): `lineAt(i)` for i in [0, count).
   * Returns what the last `writeText` did: the one promise to wait on, if the reader is behind.
   */
  writeLines(count: number, lineAt: (index: number) => string): Promise<void> | undefined {
    let pending: Promise<void> | undefined;
    let text = '';
    for (let i = 0; i < count; i += 1) {
      text += lineAt(i);
      if (text.length >= PIECE_CHARS) {
        pending = this.writeText(text) ?? pending;
        text = '';
      }
    }
    if (text.length > 0) pending = this.writeText(text) ?? pending;
    return pending;
  }

  /** Queues text as is (documents such as a pretty-printed catalog). */
  writeText(text: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.chunks.push(text);
    this.chars += text.length;
    if (this.chars >= FLUSH_CHARS) this.flushNow();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushNow());
    }
    return this.draining;
  }

  /** Writes everything queued and resolves once the stream has taken it. */
  async flush(): Promise<void> {
    this.flushNow();
    if (this.draining) await this.draining;
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => {
      if (this.out.writableEnded || this.out.destroyed) resolve();
      else this.out.write('', () => resolve());
    });
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.chunks.length === 0 || this.failure) return;
    const data = this.chunks.length === 1 ? (this.chunks[0] as string) : this.chunks.join('');
    this.chunks = [];
    this.chars = 0;
    const accepted = this.out.write(data);
    if (!accepted && !this.draining) {
      this.draining = new Promise<void>((resolve) => {
        const done = (): void => {
          this.out.off('drain', done);
          this.out.off('close', done);
          this.draining = undefined;
          resolve();
        };
        this.out.on('drain', done);
        this.out.on('close', done);
      });
    }
  }
}
