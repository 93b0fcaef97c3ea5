/** Counts rows skipped for a reason, so a stream can report them once instead of once per row. */
export class SkipLog {
  private readonly counts = new Map<string, number>();

  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** "3 × a consumption row without a usable date; 1 × …", or undefined when nothing was skipped. */
  summary(): string | undefined {
    if (this.counts.size === 0) return undefined;
    return [...this.counts].map(([reason, count]) => `${count} × ${reason}`).join('; ');
  }
}
