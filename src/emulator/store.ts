/**
 * In-memory calendars, events and the change sequence behind sync tokens.
 * Every write goes through putEvent(), so every change bumps `updated` and
 * `etag`, enters the sync stream and reaches the push watchers.
 */
import { errors } from './google-errors.js';
import { newEtag } from './ids.js';
import type { InvitationSetting } from './invitation-setting.js';
import type { CalendarOptions, DeletedEventsMode, GoogleEvent } from './types.js';

export type AccessRole = 'owner' | 'writer' | 'reader';

export interface StoredEvent {
  /** The resource as this calendar's copy holds it (no per-viewer `self` flags). */
  event: GoogleEvent;
  /** Order of creation: the stable cursor for paging. */
  createdSeq: number;
  /** Position in the change stream: what a sync token compares against. */
  changeSeq: number;
  /** Calendars this organizer copy was delivered to as an invitation. */
  invitedCalendars: Set<string>;
  /** Invitee calendars that answered the invitation email (delivered even under "when I respond"). */
  respondedCalendars: Set<string>;
}

export interface CalendarRecord {
  id: string;
  owner: string;
  writers: Set<string>;
  readers: Set<string>;
  /** Accounts with the calendar in their calendar list (besides its owner). */
  listedBy: Set<string>;
  summary: string;
  primary: boolean;
  events: Map<string, StoredEvent>;
  /** Bumped by invalidateSyncTokens: older tokens answer 410. */
  syncGeneration: number;
  /** "Add invitations to my calendar" (invitation-setting.ts). */
  addInvitations: InvitationSetting;
  /** Lower-cased addresses this calendar knows (contacts, people interacted with). */
  knownSenders: Set<string>;
}

export type ChangeListener = (calendarId: string) => void;

export class Store {
  readonly accounts: string[] = [];
  /** Whether an update or patch may bring a deleted event back (types.ts DeletedEventsMode). */
  deletedEvents: DeletedEventsMode = 'restorable';
  readonly calendars = new Map<string, CalendarRecord>();
  private seq = 0;
  private readonly listeners: ChangeListener[] = [];

  get currentSeq(): number {
    return this.seq;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  hasAccount(email: string): boolean {
    return this.accounts.includes(email);
  }

  addAccount(email: string): void {
    if (this.hasAccount(email)) return;
    this.accounts.push(email);
    if (!this.calendars.has(email)) this.createCalendar(email, { owner: email, summary: email }, true);
  }

  createCalendar(id: string, opts: CalendarOptions, primary = false): CalendarRecord {
    const existing = this.calendars.get(id);
    if (existing) {
      // Re-adding updates the sharing, as an owner changing the ACL would.
      existing.owner = opts.owner;
      for (const w of opts.writers ?? []) existing.writers.add(w);
      for (const r of opts.readers ?? []) existing.readers.add(r);
      for (const l of opts.listedBy ?? []) existing.listedBy.add(l);
      if (opts.summary !== undefined) existing.summary = opts.summary;
      if (opts.addInvitations !== undefined) existing.addInvitations = opts.addInvitations;
      for (const k of opts.knownSenders ?? []) existing.knownSenders.add(k.toLowerCase());
      return existing;
    }
    const record: CalendarRecord = {
      id,
      owner: opts.owner,
      writers: new Set(opts.writers ?? []),
      readers: new Set(opts.readers ?? []),
      listedBy: new Set(opts.listedBy ?? []),
      summary: opts.summary ?? id,
      primary,
      events: new Map(),
      syncGeneration: 0,
      addInvitations: opts.addInvitations ?? 'everyone',
      knownSenders: new Set((opts.knownSenders ?? []).map((k) => k.toLowerCase())),
    };
    this.calendars.set(id, record);
    return record;
  }

  accessRole(calendarId: string, account: string): AccessRole | undefined {
    const cal = this.calendars.get(calendarId);
    if (!cal) return undefined;
    if (cal.owner === account) return 'owner';
    if (cal.writers.has(account)) return 'writer';
    if (cal.readers.has(account)) return 'reader';
    return undefined;
  }

  /** Whether the calendar is in the account's calendar list: its own, or one it added (not the ACL alone). */
  inCalendarList(cal: CalendarRecord, account: string): boolean {
    return (
      cal.owner === account || (cal.listedBy.has(account) && this.accessRole(cal.id, account) !== undefined)
    );
  }

  /** A calendar the account may read; others do not exist for it (404, as Google answers). */
  readable(calendarId: string, account: string): CalendarRecord {
    const cal = this.calendars.get(resolveCalendarId(calendarId, account));
    if (!cal || this.accessRole(cal.id, account) === undefined) throw errors.notFound();
    return cal;
  }

  writable(calendarId: string, account: string): CalendarRecord {
    const cal = this.readable(calendarId, account);
    if (this.accessRole(cal.id, account) === 'reader') throw errors.writerAccess();
    return cal;
  }

  /** For the in-process API: the calendar must exist. */
  calendar(calendarId: string): CalendarRecord {
    const cal = this.calendars.get(calendarId);
    if (!cal) throw new Error(`emulator: no calendar ${calendarId}`);
    return cal;
  }

  /** Stores a new version of an event: new etag, updated, change sequence; tells the watchers. */
  putEvent(cal: CalendarRecord, event: GoogleEvent, keepUpdated = false): StoredEvent {
    const seq = this.nextSeq();
    const existing = cal.events.get(event.id ?? '');
    const now = new Date().toISOString();
    const stamped: GoogleEvent = {
      ...event,
      etag: newEtag(),
      updated: keepUpdated && event.updated ? event.updated : now,
    };
    const stored: StoredEvent = existing
      ? { ...existing, event: stamped, changeSeq: seq }
      : {
          event: stamped,
          createdSeq: seq,
          changeSeq: seq,
          invitedCalendars: new Set(),
          respondedCalendars: new Set(),
        };
    cal.events.set(stamped.id ?? '', stored);
    for (const listener of this.listeners) listener(cal.id);
    return stored;
  }

  invalidateSyncTokens(calendarId?: string): void {
    for (const cal of this.calendars.values())
      if (calendarId === undefined || cal.id === calendarId) cal.syncGeneration += 1;
  }
}

/** "primary" is an alias of the caller's own calendar. */
export function resolveCalendarId(calendarId: string, account: string): string {
  return calendarId === 'primary' ? account : calendarId;
}
