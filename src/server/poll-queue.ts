import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';

/** `signal` aborts when the server shuts down: a poll still waiting for the state lock gives up. */
export type PollFn = (calendarId: string, signal: AbortSignal) => Promise<unknown>;

interface CalendarSlot {
  running: Promise<void> | undefined;
  queued: boolean;
}

/**
 * Polls requested by notifications, coalesced per calendar: one running and
 * at most one queued. A burst of notifications while a poll runs becomes a
 * single follow-up poll, which sees every change the burst announced.
 */
export class PollQueue {
  private readonly slots = new Map<string, CalendarSlot>();
  private accepting = true;
  private readonly shutdown = new AbortController();
  pollsStarted = 0;

  constructor(private readonly poll: PollFn) {}

  request(calendarId: string): void {
    if (!this.accepting) return;
    const slot = this.slots.get(calendarId) ?? { running: undefined, queued: false };
    this.slots.set(calendarId, slot);
    if (slot.running) {
      slot.queued = true;
      return;
    }
    this.start(calendarId, slot);
  }

  private start(calendarId: string, slot: CalendarSlot): void {
    this.pollsStarted += 1;
    slot.running = this.runOne(calendarId).finally(() => {
      slot.running = undefined;
      if (slot.queued && this.accepting) {
        slot.queued = false;
        this.start(calendarId, slot);
      }
    });
  }

  private async runOne(calendarId: string): Promise<void> {
    try {
      await this.poll(calendarId, this.shutdown.signal);
    } catch (err) {
      // The poll records its own failures in the state; the server only logs.
      log.error('poll after notification failed', { calendar: calendarId, error: errorMessage(err) });
    }
  }

  /** True while any poll is running (the drain on shutdown waits for these). */
  get busy(): boolean {
    for (const slot of this.slots.values()) if (slot.running) return true;
    return false;
  }

  /**
   * Stops taking requests, drops queued polls (the next poll covers them),
   * makes polls still waiting for the state lock give up, and waits for the
   * ones that hold it to finish.
   */
  async drain(): Promise<void> {
    this.accepting = false;
    this.shutdown.abort();
    for (const slot of this.slots.values()) slot.queued = false;
    await Promise.all([...this.slots.values()].map((s) => s.running ?? Promise.resolve()));
  }
}
