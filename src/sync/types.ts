import type { calendar_v3 } from '@googleapis/calendar';
import type { GmailOriginalPolicy, OrganizedEventsPolicy } from '../config/types.js';
import type { ProcessedEvent } from '../state/types.js';
import type { PrivacySettings } from './privacy.js';

export type GoogleEvent = calendar_v3.Schema$Event;

/** Keys of calsync's marker in `extendedProperties.private`. */
export const MARKER = {
  /** On copies and mirrors: `<source calendar>/<source event id>`. */
  source: 'calsyncSource',
  /** On copies and mirrors: the rule that made it (birthday | gmail | mirror | busy). */
  rule: 'calsyncRule',
  /** On copies, mirrors and busy blocks: the shared calendar (target, ownership.ts) they serve. */
  target: 'calsyncTarget',
  /**
   * The previous release's invite marker (`1`), naming no shared calendar: it
   * belongs to the install whose shared calendar is among the event's guests.
   * This release writes `invitedMarkerKey(target)` (ownership.ts) instead.
   */
  invited: 'calsyncInvited',
} as const;

/** Where an event lives. */
export interface EventRef {
  calendarId: string;
  eventId: string;
}

/** What the state knows about the source, recorded with the outcome. */
export interface SourceFacts extends EventRef {
  /** The source's `updated`, ms since the epoch. */
  updated: number | undefined;
  /** End of the event or of its series, seconds since the epoch; undefined for a series without end. */
  end: number | undefined;
  recurring: boolean;
  /** Google's cancellation carries only the id (and, for an occurrence, its original start): `end` is that start, if any. */
  cancelled?: true;
}

export type CopyKind = 'copy' | 'mirror';

/**
 * `account`, on actions that write the shared calendar: the account that
 * writes it (the mirror writer the poll found); unset, the target calendar's own.
 */
/**
 * What the privacy step decided for an action's event (sync/privacy.ts), for
 * reports: how much was shared and why; `private`: the event is private or
 * confidential, so its title is not printed.
 */
export interface PrivacyNote {
  share: 'full' | 'busy' | 'skip';
  why?: string;
  private: boolean;
}

/** `privacy`: set by planEvent on every action of a listed event. */
export type Action = ActionOf & { privacy?: PrivacyNote };

/** A busy block's form on mirror actions: `busy` (sync/privacy.ts); absent, a mirror in full. */
export type CopyForm = 'busy' | 'full';

type ActionOf =
  | { kind: 'copy-birthday'; source: SourceFacts; target: EventRef; body: GoogleEvent; account?: string }
  | { kind: 'copy-gmail'; source: SourceFacts; target: EventRef; body: GoogleEvent; deleteOriginal: boolean }
  /**
   * `event`: the source as listed (a full resource with its etag: the invite updates it conditionally).
   * `replaces`: the mirror the event had while someone else organized it, deleted once the invite is
   * made, so the meeting is on the shared calendar after every poll (`account`: the mirror writer).
   */
  | {
      kind: 'invite';
      source: SourceFacts;
      email: string;
      event?: GoogleEvent;
      replaces?: { target: EventRef; account?: string };
    }
  /**
   * A mirror, or a busy block in its place (`form: 'busy'`). `uninvite`: the
   * invitee calsync added to the source goes first (an event that turned private).
   */
  | {
      kind: 'mirror';
      source: SourceFacts;
      target: EventRef;
      body: GoogleEvent;
      account?: string;
      form?: CopyForm;
      uninvite?: { email: string; event: GoogleEvent };
    }
  /** `form`: a mirror turns into a busy block, or back, in place (update-copy of a mirror). */
  | {
      kind: 'update-copy';
      source: SourceFacts;
      target: EventRef;
      body: GoogleEvent;
      copyKind: CopyKind;
      account?: string;
      form?: CopyForm;
    }
  /**
   * The invitee calsync added to a source event goes (the event is no longer shared in full), every
   * other guest stays. `dismissed`: a person deleted its copy; that stays remembered.
   */
  | { kind: 'uninvite'; source: SourceFacts; email: string; event: GoogleEvent; dismissed?: boolean }
  /** `revisit`: the event needs another action once the copy is gone (it is fetched again next poll). */
  | {
      kind: 'delete-copy';
      source: SourceFacts;
      target: EventRef;
      copyKind: CopyKind;
      revisit?: boolean;
      account?: string;
    }
  | {
      kind: 'update-occurrence';
      source: SourceFacts;
      target: EventRef;
      body: GoogleEvent | null;
      account?: string;
    }
  | { kind: 'delete-original'; source: SourceFacts; copy: EventRef }
  /** A cancelled source without an entry: delete whichever of the copies calsync could have made exist (orphans.ts). */
  | {
      kind: 'delete-orphans';
      source: SourceFacts;
      targets: { target: EventRef; copyKind: CopyKind; account?: string }[];
    }
  /**
   * `remember`: fields to keep on the event's state entry (created when missing), e.g. that it is invited.
   * `otherwise`: the copy this calendar lets go of stays because another source calendar still holds it;
   * calendars are polled side by side, so that is checked again when the skip is recorded, and if none
   * holds it by then, `otherwise` is carried out instead.
   * `noWriter`: skipped because no account may write the shared calendar (counted, and a health warning).
   */
  | {
      kind: 'skip';
      source: SourceFacts;
      reason: string;
      remember?: Partial<Pick<ProcessedEvent, 'rule' | 'copyId' | 'copyCalendar'>>;
      otherwise?: Action;
      noWriter?: true;
      /** Left out by a privacy rule (skipTitles, skipAvailable, privateEvents skip): counted as filtered. */
      filtered?: true;
      /** A parked event, unchanged: its entry is left exactly as it is. */
      parked?: true;
    };

export type ActionKind = Action['kind'];

/** Everything the rules need besides the event and its state entry. */
export interface RuleSettings extends PrivacySettings {
  /** A busy block's title template (`{name}`: sourceName). */
  busyTitle: string;
  /** The source calendar's name in busy titles: its summary (from its listing), else its account. */
  sourceName?: string;
  /** Per source calendar: the colour id of its copies, mirrors and busy blocks. */
  calendarColors: Readonly<Record<string, string>>;
  /** The shared calendar's address; also its calendar id. */
  inviteEmail: string;
  /**
   * The shared calendar as calsync names it in ids and markers (`targetOf(inviteEmail)`,
   * ownership.ts): what this install's copies, mirrors and invitations belong to.
   */
  target: string;
  /** This install's source calendars: another install's copy made from one of them is left alone. */
  sourceCalendars: readonly string[];
  /**
   * The account that writes this calendar's mirrors (and whatever else goes on
   * the shared calendar); undefined when none may (see noWriterReason).
   */
  mirrorWriter: string | undefined;
  /** Why no account may write the shared calendar: the skip reason. */
  noWriterReason?: string;
  /** Where birthday copies go; undefined = the birthday's own calendar. */
  birthdayCopyCalendar: string | undefined;
  gmailOriginal: GmailOriginalPolicy;
  /**
   * Cancellations without an entry whose copies are looked for (orphans.ts):
   * those updated at or after this (ms; 0 = all, for incremental listings),
   * undefined = none.
   */
  orphanSince?: number;
  /** `poll --retry-failed`: parked events are tried again although unchanged. */
  retryParked?: boolean;
  /** `mirror`: events the account organizes are mirrored, copies made on the shared calendar without a guest. */
  organizedEvents: OrganizedEventsPolicy;
  /** The `birthdayProperties.type` values copied. */
  birthdayTypes: readonly string[];
}

/** What other source calendars still hold: a mirror, or an occurrence of a mirrored series they attend. */
export interface Elsewhere {
  holdsMirror(copyId: string): boolean;
  attendsOccurrence(seriesMirrorId: string, occurrenceId: string): boolean;
  /**
   * Another source calendar's copy of the same meeting (Google gives every
   * guest's copy the same event id) says a person took the shared calendar
   * off it: its entry is `dismissed`, or keeps the shared calendar as a
   * guest (`invite`) that this copy no longer shows (the caller checks that).
   */
  meetingLetGo(eventId: string): 'dismissed' | 'invite' | undefined;
}

/** Writes each action costs against maxWritesPerPoll. */
export function writesOf(action: Action): number {
  switch (action.kind) {
    case 'skip':
      return 0;
    case 'copy-gmail':
      return action.deleteOriginal ? 2 : 1;
    case 'mirror':
      return action.uninvite ? 2 : 1;
    case 'delete-orphans':
      return action.targets.length;
    case 'invite':
      return action.replaces ? 2 : 1;
    default:
      return 1;
  }
}
