import type { ActionKind } from './types.js';

export interface ActionReport {
  calendarId: string;
  eventId: string;
  summary?: string;
  action: ActionKind;
  /** done | skipped | failed | deferred (left for the next poll) | planned (dry run) | parked (Google refused it too often) */
  result: 'done' | 'skipped' | 'failed' | 'deferred' | 'planned' | 'parked';
  reason?: string;
  target?: string;
}

export interface CalendarReport {
  calendarId: string;
  account: string;
  fullSync: boolean;
  changes: number;
  done: number;
  skipped: number;
  failed: number;
  deferred: number;
  /** Of the deferred, those held back by Google's usage limits or an outage (not by the write budget). */
  limited: number;
  /** Of the skipped, mirrors (or other writes to the shared calendar) that no account may write. */
  mirrorsSkipped: number;
  /** The account that writes this calendar's mirrors, when the poll had any to write. */
  mirrorWriter?: string;
  /** Why no account may write them (with mirrorsSkipped). */
  mirrorSkipReason?: string;
  /** Events parked in this poll: Google refused them too often (sync/parking.ts); not counted as failed. */
  parked?: number;
  /**
   * Events still waiting after this poll (deferred now, or not yet fetched
   * again: the refetch takes at most a poll's write budget), parked ones
   * aside; set when the poll had changes.
   */
  waiting?: number;
  /** Set when SIGINT or SIGTERM stopped this calendar's poll before it finished: why. */
  interrupted?: string;
  /** Set when the calendar could not be polled at all. */
  error?: string;
  hint?: string;
}

export interface PollReport {
  exitCode: 0 | 1;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** Google API calls made (reads and writes). */
  apiCalls: number;
  /** Quota units those calls cost (events.patch 3, every other request 1). */
  quotaUnits: number;
  writes: number;
  calendars: CalendarReport[];
  actions: ActionReport[];
  /** The `birthdayProperties.type` values this poll copies (the birthdayTypes setting). */
  birthdayTypes: string[];
  /** Invitations calsync sent that the shared calendar's listing did not show (sync/delivery.ts). */
  delivery?: DeliveryReport;
}

export interface DeliveryReport {
  /** Whether this poll listed the shared calendar (only when something awaited delivery). */
  checked: boolean;
  /** Seen on the shared calendar in this poll. */
  delivered: number;
  /** Sent, and not yet checked (checked at the next poll). */
  pending: number;
  /** Checked, and not there: Google did not add the invitation. */
  undelivered: number;
  /** Deleted from the shared calendar by a person: left so. */
  dismissed: number;
  error?: string;
}
