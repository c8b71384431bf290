/**
 * Google's time, as its answers' `Date` headers tell it. A local clock far
 * off would place a first listing's window in the future (and its sync token
 * would then skip the real events for good), or make `clean` drop entries of
 * events that have not ended. Within the tolerance the local clock is used
 * as it is (the header has a resolution of one second); beyond it, Google's.
 */
import { epochMs } from '../util/time.js';

/** How far the local clock may be from Google's before calsync distrusts it. */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

function dateHeader(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get('date') ?? undefined;
  const v = (headers as Record<string, unknown>).date ?? (headers as Record<string, unknown>).Date;
  return typeof v === 'string' ? v : undefined;
}

/** "3 d", "2 h", "7 min": the size of a clock difference, for a warning. */
export function describeSkew(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 86_400_000) return `${Math.round(abs / 86_400_000)} d`;
  if (abs >= 3_600_000) return `${Math.round(abs / 3_600_000)} h`;
  return `${Math.round(abs / 60_000)} min`;
}

export class GoogleClock {
  /** Google's time minus the local time, from the latest answer with a Date header. */
  private offset: number | undefined;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** Learns Google's time from an answer's headers; false when they carry no readable Date. */
  learn(headers: unknown): boolean {
    const google = epochMs(dateHeader(headers));
    if (google === undefined) return false;
    // The header is truncated to the second: half a second is its mean error.
    this.offset = google + 500 - this.localNow();
    return true;
  }

  /** Whether an answer has told Google's time yet. */
  known(): boolean {
    return this.offset !== undefined;
  }

  /** Whether the local clock is off by more than the tolerance. */
  skewed(): boolean {
    return this.offset !== undefined && Math.abs(this.offset) > CLOCK_TOLERANCE_MS;
  }

  /** Now, in ms: the local clock, or Google's when the local one is off. */
  now(): number {
    return this.localNow() + (this.skewed() ? (this.offset ?? 0) : 0);
  }

  /** Google's time now, when known. */
  googleNow(): number | undefined {
    return this.offset === undefined ? undefined : this.localNow() + this.offset;
  }

  /** What is wrong with the local clock, for a warning and the calendar's error; undefined when nothing is. */
  problem(): string | undefined {
    if (!this.skewed() || this.offset === undefined) return undefined;
    const way = this.offset < 0 ? 'ahead of' : 'behind';
    return `the local clock is ${describeSkew(this.offset)} ${way} Google's (its Date header); fix the system clock (NTP)`;
  }
}
