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
  /** How much of the event is shared (sync/privacy.ts): full, busy (a busy block) or skip; and the rule that said so. */
  privacy?: 'full' | 'busy' | 'skip';
  privacyRule?: string;
  /** The event is private or confidential: its title is left out of every report. */
  private?: true;
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
  /** Events shared as busy blocks in this poll (made, or turned into one). */
  busyBlocks?: number;
  /** Events skipTitles or skipAvailable left out, and private events privateEvents skip left out. */
  filtered?: number;
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

/** A move to another shared calendar (move.ts): what this poll found and took away from the old one. */
export interface MoveReport {
  from: string;
  to: string;
  found: number;
  removed: number;
  left: number;
  /** A dry run: what the poll would take away from the old shared calendar. */
  planned?: { calendarId: string; eventId: string; kind: 'copy' | 'mirror' | 'invite'; summary?: string }[];
}

export interface PollReport {
  exitCode: 0 | 1;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** Google API calls Google received (reads and writes). */
  apiCalls: number;
  /** Quota units those calls cost (events.patch 3, every other request 1). */
  quotaUnits: number;
  /** Requests that got no answer (refused, not resolved, timed out): neither calls nor quota units. */
  unansweredRequests: number;
  writes: number;
  calendars: CalendarReport[];
  actions: ActionReport[];
  /** The `birthdayProperties.type` values this poll copies (the birthdayTypes setting). */
  birthdayTypes: string[];
  /** Invitations calsync sent that the shared calendar's listing did not show (sync/delivery.ts). */
  delivery?: DeliveryReport;
  /** Set while moving to another shared calendar. */
  move?: MoveReport;
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
