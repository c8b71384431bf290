import type { EventTable } from './event-table.js';

/**
 * The shape of state.json. Bump STATE_VERSION and add a migration in
 * migrations.ts for every change that is not purely additive.
 */

export const STATE_VERSION = 5;

/**
 * What calsync did about one source event (the last action that succeeded).
 * Times are numbers, not ISO strings (schema v2); the file keeps each entry
 * as one row of text (schema v3, event-row.ts).
 */
export interface ProcessedEvent {
  /** The action recorded (e.g. "copy-birthday", "invite", "mirror", "skip"). */
  action: string;
  /** When it was recorded, in seconds since the epoch. */
  at: number;
  /** The source event's end (seconds since the epoch; all-day ends at UTC midnight); drives `calsync clean`. Absent for open-ended series. */
  end?: number;
  /** True for a recurring series master: kept by `clean` while the series has no end. */
  recurring?: boolean;
  /**
   * Which kind of copy calsync keeps for it: birthday, gmail, mirror, occurrence (of a mirrored series),
   * invite, or busy (a busy block in the mirror's place, schema v5).
   */
  rule?: 'birthday' | 'gmail' | 'mirror' | 'occurrence' | 'invite' | 'busy';
  /** The copy's or mirror's calendar and id, when one exists. */
  copyCalendar?: string;
  copyId?: string;
  /**
   * The copy was being created when a run stopped, or its creation failed: it
   * may or may not exist. The next poll creates it again (a 409 means it
   * exists) or, if the source went meanwhile, deletes it (a 404 means it never was).
   */
  copyUnconfirmed?: boolean;
  /** The source's `updated` (ms since the epoch) when it was last handled: another one means the copy must follow. */
  sourceUpdated?: number;
  /** Set while the event's last action failed or was deferred; the next poll retries it. `at` in seconds since the epoch. */
  failure?: { reason: string; at: number; attempts: number };
  /**
   * Set when Google kept refusing the event (sync/parking.ts): it is no longer
   * retried every poll, but when the source changes (`updated`, ms, moves on
   * from this one) or on `poll --retry-failed`; health-check warns with its title.
   */
  parked?: { updated?: number; title?: string };
  /**
   * What the shared calendar's own listing showed of what calsync put there
   * (schema v4): `pending`, an invitation (or invited copy) sent and not yet
   * seen there; `missing`, not there at the next check (Google did not add it,
   * per the calendar's "Add invitations to my calendar" setting); `dismissed`,
   * a person deleted the mirror or invitation there (respected: never made
   * again). Absent: delivered, or nothing to deliver.
   */
  delivery?: 'pending' | 'missing' | 'dismissed';
}

/** The shared calendar's own incremental listing, read only to check deliveries (sync/delivery.ts). */
export interface DeliveryCheckState {
  /** The calendar the token belongs to: a changed shared calendar starts afresh. */
  calendarId: string;
  syncToken?: string;
  lastCheckAt?: string;
  lastError?: string;
}

export interface CalendarSyncState {
  syncToken?: string;
  /** Last poll that finished for this calendar without a failed event or error. */
  lastSuccessAt?: string;
  lastPollAt?: string;
  /** Why the last poll of this calendar did not succeed; absent after a success. */
  lastError?: string;
  /**
   * The first of the polls in a row that did not succeed (health-check: "failing since");
   * absent after a success. Optional and ignored by older versions: no schema bump.
   */
  failingSince?: string;
  /**
   * Mirrors skipped because no account may write the shared calendar, counted
   * since `since` until a poll finds a writer: health-check warns meanwhile.
   */
  mirrorsSkipped?: { count: number; since: string; reason: string };
  /**
   * The last poll's counts as its report gave them (changes, done, skipped,
   * failed, deferred… every number of sync/report.ts's CalendarReport), for
   * `calsync status`. Optional and ignored by older versions: no schema bump.
   */
  lastPollCounts?: Record<string, number>;
  /** Google's time (its Date header) when this calendar was last listed: `clean` never counts from later than that. */
  googleTime?: string;
  /** The calendar's title as its last listing gave it: whose time a busy block is (`busyTitle`), for explain. */
  name?: string;
}

export interface WatchChannel {
  id: string;
  resourceId: string;
  /** ms since epoch. */
  expiration: number;
  address: string;
  createdAt: string;
  /** SHA-256 (hex, first 16) of the token the channel sends: a rotated token renews the channel. */
  tokenFingerprint?: string;
}

export interface AccountState {
  /** Set when the refresh token was revoked or expired (invalid_grant). */
  needsAuth?: { since: string; reason: string };
}

export type HealthStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

export interface HealthState {
  status: HealthStatus;
  since: string;
  /** The status the last alert mail was sent for. */
  alertedStatus?: HealthStatus;
}

/** Cumulative metrics, summed over every process that ever polled. */
export interface MetricsState {
  pollsInitiated: number;
  webhooksReceived: number;
  eventsCleaned: number;
  /** key: `${calendarId}\u0000${eventType}` */
  success: Record<string, number>;
  /** key: `${calendarId}\u0000${reason}` */
  failure: Record<string, number>;
  pollDuration: { buckets: number[]; counts: number[]; sum: number; count: number };
}

export interface State {
  version: number;
  /** calendar id → its entries (source event id → what was done). */
  events: Record<string, EventTable>;
  calendars: Record<string, CalendarSyncState>;
  channels: Record<string, WatchChannel>;
  accounts: Record<string, AccountState>;
  health?: HealthState;
  metrics: MetricsState;
  /** Absent until an invitation was first checked. */
  delivery?: DeliveryCheckState;
  /**
   * The shared calendar (`targetOf(inviteEmail)`, sync/ownership.ts) the
   * entries were made for. Absent in a state of the previous release: the
   * first poll adopts its entries for the shared calendar configured then.
   */
  target?: string;
  /** Moving to another shared calendar (sync/move.ts): what is left on the old one. */
  move?: MoveState;
}

/** A move from one shared calendar to another, kept until nothing calsync made for the old one is left. */
export interface MoveState {
  from: string;
  to: string;
  since: string;
  /** What the last poll found left for the old shared calendar (copies, mirrors, invitations). */
  left: number;
  /** When the last one went: the move is over (kept so a later poll does not look again). */
  doneAt?: string;
}
