/**
 * The only code that writes to stdout. Messages are JSON lines, batched into large writes (one
 * write per event-loop turn or per 64 KiB), in order — so a STATE line always follows the records
 * it covers — and with backpressure: when the reader falls behind, `write` returns a promise that
 * resolves once the stream drains, and callers wait on it.
 */
import type { Writable } from 'node:stream';

const FLUSH_BYTES = 64 * 1024;

/** stdout was closed by the reader (EPIPE) or failed: nothing more can be delivered. */
export class OutputClosedError extends Error {
  override name = 'OutputClosedError';
}

export class LineWriter {
  private chunks: string[] = [];
  private bytes = 0;
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

  /** Queues text as is (documents such as a pretty-printed catalog). */
  writeText(text: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.chunks.push(text);
    this.bytes += text.length;
    if (this.bytes >= FLUSH_BYTES) this.flushNow();
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
    this.bytes = 0;
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
