import { log } from '../util/log.js';

/**
 * A warning that may be triggered by anyone on the Internet (forged
 * notifications): logged at most once per interval, with the number of
 * occurrences left out since, so a flood cannot flood the journal too.
 */
export class ThrottledWarning {
  private lastAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly message: string,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields?: Record<string, unknown>): void {
    const t = this.now();
    if (t - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    log.warn(this.message, { ...fields, suppressedSinceLast: this.suppressed || undefined });
    this.lastAt = t;
    this.suppressed = 0;
  }
}
