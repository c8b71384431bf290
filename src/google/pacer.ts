/**
 * Keeps one account's requests under Google's per-user quota, counted in
 * quota units (600 a minute; an events.patch costs 3, every other request 1):
 * a request of n units holds the next n slots of 1/rate seconds, with at most
 * `concurrency` in flight. Reads and writes share the budget because Google
 * counts both.
 *
 * `burstUnits` may go at once after a quiet spell (a generic cell-rate
 * limiter: the schedule may run that far behind the clock): an idle poll's
 * two or three requests then do not wait 1/rate each, and a minute still
 * holds at most rate x 60 + burstUnits + 1 units (576 at 9.5/s and 5).
 */
export class Pacer {
  private nextSlot = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly intervalMs: number;
  private readonly burstMs: number;

  constructor(
    unitsPerSecond: number,
    private readonly concurrency: number,
    private readonly now: () => number = Date.now,
    burstUnits = 0,
  ) {
    this.intervalMs = 1000 / unitsPerSecond;
    this.burstMs = burstUnits * this.intervalMs;
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
    // The burst is spent too: every later request waits the whole `ms`, then goes at the rate.
    this.nextSlot = Math.max(this.nextSlot, this.now() + ms + this.burstMs);
  }

  /**
   * Waits for the next request slot under the rate; the request then holds
   * `units` slots. An aborted `signal` ends the wait at once: the caller
   * checks it and sends nothing (a stopped poll must not sit out the queue).
   */
  async tick(units = 1, signal?: AbortSignal): Promise<void> {
    const wait = this.reserve(units);
    if (wait > 0) await abortableSleep(wait, signal);
  }

  /**
   * Gives back the slots of a request that never reached Google (refused, no
   * answer, or its token request failed first): Google counted no unit.
   */
  refund(units = 1): void {
    this.nextSlot -= this.intervalMs * units;
  }

  /** Takes the next slot for a request of `units`: how long (ms) it must wait for it. */
  reserve(units = 1): number {
    const now = this.now();
    const scheduled = Math.max(now, this.nextSlot);
    this.nextSlot = scheduled + this.intervalMs * units;
    return Math.max(0, scheduled - this.burstMs - now);
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

/** Sleeps `ms`, or less when `signal` aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
