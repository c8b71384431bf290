import { errorMessage } from '../errors.js';
import { recordWebhookReceived } from '../metrics/record.js';
import { openState, withStateLock } from '../state/index.js';
import { log } from '../util/log.js';

/** Notifications are persisted in batches: one locked state write per interval, not one per request. */
export const WEBHOOK_FLUSH_INTERVAL_MS = 3_000;

/**
 * Counts valid notifications for `calsync_webhooks_received_total`, which
 * lives in the state so that `calsync metrics` and every process see it.
 */
export class WebhookCounter {
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** How long a flush waits for the state lock; short once the server is closing. */
  private lockWaitMs = 10 * 60_000;

  constructor(
    private readonly configDir: string,
    private readonly flushIntervalMs = WEBHOOK_FLUSH_INTERVAL_MS,
  ) {}

  /** Counted but not yet in the state (the server adds these to what it renders). */
  get unflushed(): number {
    return this.pending;
  }

  add(): void {
    this.pending += 1;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
    // A pending batch alone does not keep the process alive; close() flushes it.
    this.timer.unref();
  }

  /** Writes the pending count into the state; flushes never overlap. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** The last flush on shutdown waits a few seconds for the lock at most: a lost count is better than a SIGKILL mid-poll. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lockWaitMs = 5_000;
    await this.flush();
  }

  private async write(): Promise<void> {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    try {
      await withStateLock(
        this.configDir,
        async () => {
          const store = await openState(this.configDir);
          for (let i = 0; i < n; i += 1) recordWebhookReceived(store.state);
          await store.save();
        },
        { waitMs: this.lockWaitMs },
      );
    } catch (err) {
      this.pending += n;
      log.warn('could not save the webhook counter; will retry', { error: errorMessage(err) });
    }
  }
}
