/**
 * Keeps one account's requests under Google's per-user quota, counted in
 * quota units (600 a minute; an events.patch costs 3, every other request 1):
 * a request of n units holds the next n slots of 1/rate seconds, with at most
 * `concurrency` in flight. Reads and writes share the budget because Google
 * counts both.
 */
export class Pacer {
  private nextSlot = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly intervalMs: number;

  constructor(
    unitsPerSecond: number,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = 1000 / unitsPerSecond;
  }

  /** Runs `fn` holding one of the `concurrency` places; `fn` calls tick() before each request. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** After a rate-limit answer: push every later request back by `ms`. */
  backOff(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.now() + ms);
  }

  /** Waits for the next request slot under the rate; the request then holds `units` slots. */
  async tick(units = 1): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs * units;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
