/**
 * The sync rules: pure functions from (changed event, what the state knows,
 * settings) to exactly one action. No I/O here; the applier carries actions out.
 * The behaviour is "What one poll does" in the interface page.
 */
import type { EntryLookup } from '../state/event-table.js';
import type { ProcessedEvent } from '../state/types.js';
import { epochMs, epochSeconds } from '../util/time.js';
import {
  birthdayCopy,
  busyBlock,
  busyFollowPatch,
  busyOccurrencePatch,
  followPatch,
  gmailCopy,
  mirrorOf,
  occurrencePatch,
  type CopyOrigin,
} from './copies.js';
import { birthdayTypeOf, isContactsBirthdayCalendar, isGmailEvent } from './event-kinds.js';
import { copyEventId, instanceSuffix, isCopyId, splitInstanceId } from './ids.js';
import { orphanTargets, searchesOrphans } from './orphans.js';
import {
  hasOwnInviteMarker,
  invitedByThisInstall,
  markedSourceCalendar,
  markedSourceEvent,
} from './ownership.js';
import { parkedReason, parkedUnchanged } from './parking.js';
import { busyTitle, coloured, decidePrivacy, isPrivate, type Privacy } from './privacy.js';
import {
  MARKER,
  type Action,
  type Elsewhere,
  type EventRef,
  type GoogleEvent,
  type RuleSettings,
  type SourceFacts,
} from './types.js';
import { sameEmail } from '../util/email.js';

const PERSONAL_TYPES = new Set(['focusTime', 'outOfOffice', 'workingLocation']);

export interface PlanInput {
  calendarId: string;
  event: GoogleEvent;
  entry: ProcessedEvent | undefined;
  /** For an occurrence of a series: whether calsync mirrors that series. */
  seriesMirrored: boolean;
  /** That series mirror's id, when known (the state's, or the one planned in this listing). */
  seriesMirrorId?: string;
  /** That series is shared as a busy block: its occurrences are too. */
  seriesBusy?: boolean;
  /** That series has the shared calendar as a guest: a private occurrence of it gets a block of its own. */
  seriesInvited?: boolean;
  /**
   * For an occurrence of a birthday series: the series' copy (the state's, or
   * the one planned in this listing), whose same occurrence follows it.
   */
  seriesCopy?: EventRef;
  /**
   * A copy of this event by this install that the same listing showed on the
   * calendar (a birthday or Gmail copy of the previous release, found after a
   * lost state file): created again under its id (409: it exists, and is
   * brought up to date, marker included), never a second copy.
   */
  adoptCopy?: EventRef;
  settings: RuleSettings;
  /**
   * What other source calendars still hold (the same meeting, another
   * invited account): a mirror or occurrence stays when this calendar lets go of it.
   */
  elsewhere?: Elsewhere;
}

type Skip = Extract<Action, { kind: 'skip' }>;

/** A mirror's occurrence (`<series mirror id>_<stamp>`; mirror ids themselves are base32hex, without '_'). */
function isOccurrenceTarget(target: EventRef): boolean {
  return splitInstanceId(target.eventId) !== undefined;
}

/** Whether another source calendar still holds what this action would remove from the shared calendar. */
export function heldElsewhere(action: Action, elsewhere: Elsewhere | undefined): boolean {
  if (!elsewhere) return false;
  const target =
    action.kind === 'delete-copy' || (action.kind === 'update-occurrence' && action.body === null)
      ? action.target
      : undefined;
  if (!target) return false;
  const series = splitInstanceId(target.eventId)?.masterId;
  return series !== undefined
    ? elsewhere.attendsOccurrence(series, action.source.eventId)
    : elsewhere.holdsMirror(target.eventId);
}

/**
 * A skip that let go of a copy another calendar held, checked again on the
 * state as it is now (another calendar, polled alongside, may have let go of
 * it meanwhile): then the removal is carried out after all.
 */
export function recheckLetGo(action: Action, elsewhere: Elsewhere): Action {
  return action.kind === 'skip' && action.otherwise && !heldElsewhere(action.otherwise, elsewhere)
    ? action.otherwise
    : action;
}

/** The series end from RRULE UNTIL, or undefined for a series without end (or with COUNT). */
function seriesEnd(recurrence: string[]): string | undefined {
  let until: string | undefined;
  for (const line of recurrence) {
    if (!line.startsWith('RRULE:')) continue;
    const m = /UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?/.exec(line);
    if (!m) return undefined;
    const iso = m[4] ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : `${m[1]}-${m[2]}-${m[3]}`;
    if (!until || iso > until) until = iso;
  }
  return until;
}

export function sourceFacts(calendarId: string, event: GoogleEvent): SourceFacts {
  const recurring = Boolean(event.recurrence?.length);
  const end = recurring ? seriesEnd(event.recurrence ?? []) : (event.end?.dateTime ?? event.end?.date);
  if (event.status === 'cancelled') {
    // A cancellation carries no end; an occurrence's still says when it was due, which is when its entry may go.
    const due = event.originalStartTime?.dateTime ?? event.originalStartTime?.date;
    return {
      calendarId,
      eventId: event.id ?? '',
      updated: epochMs(event.updated),
      end: epochSeconds(due ?? undefined),
      recurring: false,
      cancelled: true,
    };
  }
  return {
    calendarId,
    eventId: event.id ?? '',
    updated: epochMs(event.updated),
    end: epochSeconds(end),
    recurring,
  };
}

function masterIdOf(event: GoogleEvent): string | undefined {
  return event.recurringEventId ?? splitInstanceId(event.id ?? '')?.masterId;
}

/** The mirror's occurrence that corresponds to a source occurrence. */
function mirrorOccurrence(
  calendarId: string,
  event: GoogleEvent,
  settings: RuleSettings,
  seriesMirrorId: string | undefined,
): EventRef | undefined {
  const masterId = masterIdOf(event);
  const suffix =
    (event.originalStartTime && instanceSuffix(event.originalStartTime)) ??
    splitInstanceId(event.id ?? '')?.suffix;
  if (!masterId || !suffix) return undefined;
  return {
    calendarId: settings.inviteEmail,
    // The series mirror's id as recorded: a burnt deterministic id moved it along its sequence (burnt-ids.ts).
    eventId: `${seriesMirrorId ?? copyEventId(settings.target, calendarId, masterId, 'mirror')}_${suffix}`,
  };
}

/** The occurrence of a copied series (a birthday's copy) that corresponds to a source occurrence. */
function copyOccurrence(event: GoogleEvent, seriesCopy: EventRef | undefined): EventRef | undefined {
  const suffix =
    (event.originalStartTime && instanceSuffix(event.originalStartTime)) ??
    splitInstanceId(event.id ?? '')?.suffix;
  if (!seriesCopy || !masterIdOf(event) || !suffix) return undefined;
  return { calendarId: seriesCopy.calendarId, eventId: `${seriesCopy.eventId}_${suffix}` };
}

function changedSince(entry: ProcessedEvent, event: GoogleEvent): boolean {
  return entry.sourceUpdated === undefined || entry.sourceUpdated !== epochMs(event.updated);
}

function existingCopy(entry: ProcessedEvent | undefined): EventRef | undefined {
  return entry?.copyId && entry.copyCalendar
    ? { calendarId: entry.copyCalendar, eventId: entry.copyId }
    : undefined;
}

function selfAttendee(event: GoogleEvent, calendarId: string) {
  return event.attendees?.find((a) => a.self === true || sameEmail(a.email, calendarId));
}

function isDeclined(event: GoogleEvent, calendarId: string): boolean {
  return !isOrganizer(event, calendarId) && selfAttendee(event, calendarId)?.responseStatus === 'declined';
}

/**
 * The shared calendar is a guest because calsync invited it, on the
 * organizer's own event: the only kind calsync may take it off again (a
 * guest's copy of a meeting handed to someone else carries the marker too,
 * but only the new organizer decides its guests).
 */
function ownInvitee(event: GoogleEvent, calendarId: string, settings: RuleSettings): boolean {
  const invitee = event.attendees?.some((a) => sameEmail(a.email, settings.inviteEmail)) ?? false;
  return invitee && invitedByThisInstall(event, settings.target) && isOrganizer(event, calendarId);
}

function isOrganizer(event: GoogleEvent, calendarId: string): boolean {
  // Google omits the organizer only on events the calendar itself created.
  if (!event.organizer) return true;
  return event.organizer.self === true || sameEmail(event.organizer.email, calendarId);
}

/** Whether the action writes the shared calendar (a mirror, or a copy configured to go there). */
export function writesShared(action: Action, inviteEmail: string): boolean {
  if (action.kind === 'skip')
    return action.otherwise !== undefined && writesShared(action.otherwise, inviteEmail);
  if (action.kind === 'delete-orphans')
    return action.targets.some((t) => sameEmail(t.target.calendarId, inviteEmail));
  if (action.kind === 'invite')
    return action.replaces !== undefined && sameEmail(action.replaces.target.calendarId, inviteEmail);
  return 'target' in action && sameEmail(action.target.calendarId, inviteEmail);
}

/**
 * Gives an action that writes the shared calendar the account that may write
 * it, or turns it into a skip (with the reason) when none may: a write Google
 * would refuse is never sent.
 */
function withWriter(action: Action, settings: RuleSettings, elsewhere: Elsewhere | undefined): Action {
  if (action.kind === 'skip')
    return action.otherwise
      ? { ...action, otherwise: withWriter(action.otherwise, settings, elsewhere) }
      : action;
  if (action.kind === 'invite' && action.replaces) {
    if (!sameEmail(action.replaces.target.calendarId, settings.inviteEmail)) return action;
    if (settings.mirrorWriter !== undefined)
      return { ...action, replaces: { ...action.replaces, account: settings.mirrorWriter } };
    return {
      kind: 'skip',
      source: action.source,
      reason: settings.noWriterReason ?? 'no account may write the shared calendar',
      noWriter: true,
    };
  }
  if (!('target' in action) || !sameEmail(action.target.calendarId, settings.inviteEmail)) return action;
  if (action.kind === 'copy-gmail') return action;
  if (settings.mirrorWriter !== undefined) return { ...action, account: settings.mirrorWriter };
  // The invitee of an event that turned private goes whether or not its busy block can be made.
  const uninvite = action.kind === 'mirror' ? action.uninvite : undefined;
  if (uninvite) return { kind: 'uninvite', source: action.source, ...uninvite };
  // A meeting another source calendar (one that may write) has mirrored already lacks nothing.
  if (action.kind === 'mirror' && elsewhere?.holdsMirror(action.target.eventId))
    return { kind: 'skip', source: action.source, reason: 'mirrored by another source calendar' };
  return {
    kind: 'skip',
    source: action.source,
    reason: settings.noWriterReason ?? 'no account may write the shared calendar',
    noWriter: true,
  };
}

export function planEvent(input: PlanInput): Action {
  const { calendarId, event, settings } = input;
  // A cancellation carries nothing to decide on: its copy goes, whatever it was.
  const special = (event.eventType ?? 'default') === 'birthday' || isGmailEvent(event);
  const privacy: Privacy =
    event.status === 'cancelled'
      ? { share: 'full' }
      : seriesShapesOccurrence(input, special, decidePrivacy(calendarId, event, settings, special));
  const action = withWriter(planUnwritten(input, privacy), settings, input.elsewhere);
  const shown = occurrenceOfBusySeries(input, special, privacy) ? SERIES_BUSY : privacy;
  return {
    ...action,
    privacy: {
      share: shown.share,
      ...('why' in shown ? { why: shown.why } : {}),
      private: isPrivate(event),
    },
  };
}

const SERIES_BUSY: Privacy = { share: 'busy', why: 'its series is shared as a busy block' };

/** An occurrence, not private itself, of a series shared as a busy block: it shows as busy too. */
function occurrenceOfBusySeries(input: PlanInput, special: boolean, privacy: Privacy): boolean {
  const occurrence = masterIdOf(input.event) !== undefined && Boolean(input.event.originalStartTime);
  return (
    privacy.share === 'full' && !special && occurrence && input.seriesBusy === true && input.seriesMirrored
  );
}

/**
 * An occurrence of the account's own series shared as a busy block is one too,
 * whatever its own visibility (as a mirrored series' occurrences are, in
 * mirrorPlan): the shared calendar never shows the full occurrence beside the
 * block's, and calsync never invites it.
 */
function seriesShapesOccurrence(input: PlanInput, special: boolean, privacy: Privacy): Privacy {
  const own = isOrganizer(input.event, input.calendarId);
  return own && occurrenceOfBusySeries(input, special, privacy) ? SERIES_BUSY : privacy;
}

/** The copy's origin: this install's shared calendar and the source calendar. */
function originOf(input: PlanInput): CopyOrigin {
  return { target: input.settings.target, sourceCalendarId: input.calendarId };
}

function planUnwritten(input: PlanInput, privacy: Privacy): Action {
  const { calendarId, event, entry, settings } = input;
  const source = sourceFacts(calendarId, event);
  const origin = originOf(input);
  const skip = (reason: string, remember?: Skip['remember'], otherwise?: Action): Skip => ({
    kind: 'skip',
    source,
    reason,
    ...(remember ? { remember } : {}),
    ...(otherwise ? { otherwise } : {}),
  });
  /**
   * A live event calsync chose to make nothing for: remembered (an entry
   * without a copy), so that its cancellation costs no orphan search (orphans.ts):
   * with an intact state, a cancellation of such an event costs no write.
   */
  const nothing = (reason: string): Skip => skip(reason, {});
  const copy = existingCopy(entry);
  // A copy whose creation was interrupted may not exist: it is created again
  // (a 409 means it does), but deleted like any other when its source goes.
  const created = entry?.copyUnconfirmed ? undefined : copy;
  const copyKind =
    entry?.rule === 'mirror' || entry?.rule === 'occurrence' || entry?.rule === 'busy' ? 'mirror' : 'copy';
  const letGo = (target: EventRef): Action => {
    const drop: Action = { kind: 'delete-copy', source, target, copyKind };
    if (copyKind !== 'mirror' || !heldElsewhere(drop, input.elsewhere)) return drop;
    // An occurrence entry stays one, without its copy: "this account no longer attends it".
    const rule = isOccurrenceTarget(target) ? 'occurrence' : undefined;
    return skip(
      'the mirror stays: another source calendar still has this meeting',
      { rule, copyId: undefined, copyCalendar: undefined },
      drop,
    );
  };
  /** One occurrence leaves the series mirror, unless another source calendar still attends it. */
  const letGoOccurrence = (target: EventRef): Action => {
    const cancel: Action = { kind: 'update-occurrence', source, target, body: null };
    if (!heldElsewhere(cancel, input.elsewhere)) return cancel;
    return skip(
      'the occurrence stays: another source calendar still attends it',
      { rule: 'occurrence' },
      cancel,
    );
  };

  const marked = markedSourceEvent(event, calendarId, settings.target, settings.sourceCalendars);
  if (marked === 'mine') return skip('created by calsync');
  // Another install's copy of one of this install's own sources: this install makes its own from the original.
  if (marked === 'theirs-of-own-source')
    return skip('made by another calsync install for its shared calendar');
  // Google kept refusing it and it has not changed since: it waits (a cancellation still goes through).
  if (entry && !settings.retryParked && parkedUnchanged(entry, event))
    return { kind: 'skip', source, reason: parkedReason(entry), parked: true };

  if (event.status === 'cancelled') {
    if (entry?.rule === 'gmail' && entry.action === 'delete-original')
      return skip('original deleted by calsync after copying; the copy stays');
    if (copy) return letGo(copy);
    const occurrence =
      masterIdOf(event) && input.seriesMirrored
        ? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId)
        : undefined;
    if (occurrence) return letGoOccurrence(occurrence);
    // A cancelled occurrence of a copied birthday series: the same occurrence of the copy goes.
    const copied = copyOccurrence(event, input.seriesCopy);
    if (copied) return { kind: 'update-occurrence', source, target: copied, body: null };
    if (searchesOrphans(event, entry, settings)) {
      const targets = orphanTargets(calendarId, source.eventId, settings, input.elsewhere);
      if (targets.length > 0) return { kind: 'delete-orphans', source, targets };
    }
    return skip('cancelled');
  }
  // Listed as a source by mistake: its events are on the shared calendar already (copies made before still go with their source, above).
  if (sameEmail(calendarId, settings.inviteEmail)) return skip('on the shared calendar itself');

  const type = event.eventType ?? 'default';
  const special = type === 'birthday' || isGmailEvent(event);
  // A person deleted calsync's mirror or copy on the shared calendar (its listing showed it), here or
  // through another account's copy of the same meeting: never made again.
  const dismissed =
    entry?.delivery === 'dismissed' ||
    (!special && input.elsewhere?.meetingLetGo(source.eventId) === 'dismissed');
  // The invitee calsync added never stays on an event no longer shared in full, whatever else the
  // plan would say (a block dismissed, a stale copy, a write that failed halfway). Only a busy
  // block made now takes it along in the same action (busyPlan); otherwise it goes on its own first.
  if (privacy.share !== 'full' && ownInvitee(event, calendarId, settings)) {
    const occurrenceOfMirrored = Boolean(
      masterIdOf(event) && event.originalStartTime && input.seriesMirrored,
    );
    // (A copy in doubt, whose creation may never have happened, is made with the block, below.)
    if (privacy.share === 'skip' || created || dismissed || occurrenceOfMirrored)
      return {
        kind: 'uninvite',
        source,
        email: settings.inviteEmail,
        event,
        ...(dismissed ? { dismissed } : {}),
      };
  }
  if (dismissed) return skip('deleted from the shared calendar by a person; respected');
  if (PERSONAL_TYPES.has(type)) return nothing(`${type} events are personal`);
  if (privacy.share === 'skip') return withheld(input, source, privacy, copy);
  // A meeting the account declined is no busy time, private or not.
  if (privacy.share === 'busy' && isDeclined(event, calendarId)) {
    if (copy) return letGo(copy);
    const occurrence =
      masterIdOf(event) && event.originalStartTime && input.seriesMirrored
        ? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId)
        : undefined;
    if (occurrence) return letGoOccurrence(occurrence);
    return nothing('declined by the account');
  }
  if (privacy.share === 'busy') return busyPlan(input, source, privacy, copy, created, letGo);
  // Back to full from a busy block: a copy or an invitation takes its place from the next poll (mirrors change in place).
  const busyToGo =
    copy && entry?.rule === 'busy'
      ? ({ kind: 'delete-copy', source, target: copy, copyKind: 'mirror', revisit: true } as const)
      : undefined;
  if (busyToGo && special) return busyToGo;

  if (type === 'birthday') {
    // One occurrence changed (an exception of the series): the same occurrence of the copy follows, as a
    // mirror's does; never a birthday of its own repeating every year.
    if (masterIdOf(event) && event.originalStartTime) {
      const target = copy ?? copyOccurrence(event, input.seriesCopy);
      if (!target) return skip('birthday series is not copied');
      if (copy && entry && !changedSince(entry, event)) return skip('copy is up to date');
      return { kind: 'update-occurrence', source, target, body: occurrencePatch(event) };
    }
    const birthdayType = birthdayTypeOf(event);
    if (!created && !settings.birthdayTypes.includes(birthdayType))
      return nothing(`birthday type "${birthdayType}" is not in birthdayTypes`);
    const place = copyPlace(calendarId, 'birthday', settings);
    const target = copy ??
      input.adoptCopy ?? {
        calendarId: place.calendarId,
        eventId: copyEventId(settings.target, calendarId, source.eventId, 'birthday'),
      };
    if (!created)
      return {
        kind: 'copy-birthday',
        source,
        target,
        body: colourOf(input, birthdayCopy(origin, event, target.eventId, place.invitee)),
      };
    if (entry && changedSince(entry, event))
      return {
        kind: 'update-copy',
        source,
        target,
        copyKind: 'copy',
        body: colourOf(input, followPatch('birthday', origin, event, settings.inviteEmail)),
      };
    return skip('copy is up to date');
  }

  // Gmail events from before 2024-05-30 are `default` events organized by a placeholder: copies too, not mirrors.
  if (isGmailEvent(event)) {
    const place = copyPlace(calendarId, 'gmail', settings);
    const target = copy ??
      input.adoptCopy ?? {
        calendarId: place.calendarId,
        eventId: copyEventId(settings.target, calendarId, source.eventId, 'gmail'),
      };
    const deleteOriginal = settings.gmailOriginal === 'delete';
    if (!created)
      return {
        kind: 'copy-gmail',
        source,
        target,
        body: colourOf(input, gmailCopy(origin, event, target.eventId, place.invitee)),
        deleteOriginal,
      };
    if (entry && changedSince(entry, event))
      return {
        kind: 'update-copy',
        source,
        target,
        copyKind: 'copy',
        body: colourOf(input, followPatch('gmail', origin, event, settings.inviteEmail)),
      };
    if (deleteOriginal) return { kind: 'delete-original', source, copy: target };
    return skip('copy is up to date');
  }

  const invited = event.attendees?.some((a) => sameEmail(a.email, settings.inviteEmail)) ?? false;

  // With organizedEvents "mirror", the account's own events are mirrored like
  // anyone else's; one already invited (by calsync or a person) stays so,
  // unless that invitation never arrived.
  const mirrorOwn =
    settings.organizedEvents === 'mirror' &&
    (entry?.rule === 'mirror' || !(invited && entry?.delivery !== 'missing'));
  if (isOrganizer(event, calendarId) && !mirrorOwn) {
    // The meeting became the account's own (organizer changed): the shared calendar is
    // invited, then its mirror goes, in one action: the meeting is there after every poll.
    if (copy && entry?.rule === 'mirror')
      return { kind: 'invite', source, email: settings.inviteEmail, event, replaces: { target: copy } };
    // Back from a busy block the same way: invited, then the block goes.
    if (busyToGo)
      return {
        kind: 'invite',
        source,
        email: settings.inviteEmail,
        event,
        replaces: { target: busyToGo.target },
      };
    // Remembered, so that a person who removes the guest later is respected.
    if (invited) return skip('shared calendar already invited', { rule: 'invite' });
    if (entry?.rule === 'invite' || hasOwnInviteMarker(event, settings.target))
      return skip('invitee was removed by a person; respected');
    return { kind: 'invite', source, email: settings.inviteEmail, event };
  }

  // Someone else organizes it: never edit their meeting, mirror it instead,
  // unless the shared calendar organizes it (it is there already).
  if (isOrganizer(event, calendarId)) return mirrorPlan(input, source, entry, copy, created);
  if (sameEmail(event.organizer?.email, settings.inviteEmail))
    return copy ? letGo(copy) : nothing('organized by the shared calendar: it is there already');
  const declined = isDeclined(event, calendarId);
  if (declined || invited) {
    if (copy) return letGo(copy);
    // One occurrence declined (or shared directly) of a mirrored series: that occurrence goes from the mirror.
    const occurrence =
      masterIdOf(event) && event.originalStartTime && input.seriesMirrored
        ? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId)
        : undefined;
    if (occurrence)
      return invited
        ? { kind: 'update-occurrence', source, target: occurrence, body: null }
        : letGoOccurrence(occurrence);
    return nothing(declined ? 'declined by the account' : 'shared calendar is a guest already');
  }
  // A person took the shared calendar off this meeting through another account's copy: respected.
  if (!copy && input.elsewhere?.meetingLetGo(source.eventId) === 'invite')
    return skip('the shared calendar was removed from this meeting by a person; respected');
  return mirrorPlan(input, source, entry, copy, created);
}

/** The source calendar's colour (calendarColors) on a body calsync writes. */
function colourOf(input: PlanInput, body: GoogleEvent): GoogleEvent {
  return coloured(body, input.settings.calendarColors[input.calendarId]);
}

function busyTitleOf(input: PlanInput): string {
  return busyTitle(input.settings.busyTitle, input.settings.sourceName ?? input.calendarId);
}

/**
 * Not shared at all (a filter, or privateEvents skip): what calsync shared
 * before goes (its copy, its occurrence, its invitee), or nothing happens.
 */
function withheld(
  input: PlanInput,
  source: SourceFacts,
  privacy: Extract<Privacy, { share: 'skip' }>,
  copy: EventRef | undefined,
): Action {
  const { calendarId, event, settings } = input;
  // (calsync's own invitee went first, in planUnwritten.)
  if (copy) {
    const copyKind =
      input.entry?.rule === 'birthday' || input.entry?.rule === 'gmail'
        ? ('copy' as const)
        : ('mirror' as const);
    const drop: Action = { kind: 'delete-copy', source, target: copy, copyKind };
    // Another account that shares the meeting in full keeps it: its choice.
    if (copyKind === 'mirror' && heldElsewhere(drop, input.elsewhere))
      return {
        kind: 'skip',
        source,
        reason: `${privacy.why}; another source calendar shares it`,
        remember: {
          rule: isOccurrenceTarget(copy) ? 'occurrence' : undefined,
          copyId: undefined,
          copyCalendar: undefined,
        },
        otherwise: drop,
      };
    return drop;
  }
  const occurrence =
    masterIdOf(event) && event.originalStartTime && input.seriesMirrored
      ? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId)
      : undefined;
  if (
    occurrence &&
    !heldElsewhere({ kind: 'update-occurrence', source, target: occurrence, body: null }, input.elsewhere)
  )
    return { kind: 'update-occurrence', source, target: occurrence, body: null };
  return {
    kind: 'skip',
    source,
    reason: privacy.why,
    filtered: true,
  };
}

/**
 * Shared as a busy block, in the mirror's id space: a mirror turns into one
 * in place, an invitation calsync sent is taken back first, a copy of a
 * birthday or Gmail event goes first (the block follows next poll).
 */
function busyPlan(
  input: PlanInput,
  source: SourceFacts,
  privacy: Extract<Privacy, { share: 'busy' }>,
  copy: EventRef | undefined,
  created: EventRef | undefined,
  letGo: (target: EventRef) => Action,
): Action {
  const { calendarId, event, entry, settings } = input;
  const skip = (reason: string): Skip => ({ kind: 'skip', source, reason });
  const title = busyTitleOf(input);
  if (copy && (entry?.rule === 'birthday' || entry?.rule === 'gmail'))
    return { kind: 'delete-copy', source, target: copy, copyKind: 'copy', revisit: true };
  const invitee = event.attendees?.some((a) => sameEmail(a.email, settings.inviteEmail)) ?? false;
  const ours = ownInvitee(event, calendarId, settings);
  if (invitee && !ours) {
    // The shared calendar is a guest through a person (the organizer's choice): no block beside it.
    if (copy) return letGo(copy);
    return skip(`${privacy.why}; the shared calendar is a guest already`);
  }
  // The invitee calsync added is gone: a person removed it (calsync takes its marker with it).
  const marked = invitedByThisInstall(event, settings.target);
  if (!invitee && (marked || (entry?.rule === 'invite' && isOrganizer(event, calendarId))))
    return skip('invitee was removed by a person; respected');
  if (!copy && input.elsewhere?.meetingLetGo(source.eventId) === 'invite')
    return skip('the shared calendar was removed from this meeting by a person; respected');
  if (masterIdOf(event) && event.originalStartTime) {
    // A block of this occurrence's own: made when its series is invited rather than mirrored (below).
    const ownBlock = copy && entry?.rule === 'busy' ? copy : undefined;
    if (input.seriesMirrored) {
      // (An occurrence calsync invited alone lost its invitee first, in planUnwritten.)
      // The series has a block now: the occurrence's own goes, the series block's occurrence stands in.
      if (ownBlock)
        return { kind: 'delete-copy', source, target: ownBlock, copyKind: 'mirror', revisit: true };
      const target = copy ?? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId);
      if (!target) return skip('occurrence id not recognised');
      // Always compared with the shared calendar's (no write when equal): an occurrence changed while the series was in full shows no more.
      return {
        kind: 'update-occurrence',
        source,
        target,
        body: colourOf(input, busyOccurrencePatch(event, title)),
      };
    }
    // The series is invited and this occurrence turned private: it gets a block of its own, made
    // below like any event's, and calsync's invitee leaves the occurrence in the same action.
    if (!(invitee && ours) && !ownBlock && !input.seriesInvited) return skip('series is not mirrored');
    // Its entry may still point into a series block that went (the series is invited now): that is no
    // block of its own, and one is made.
    if (!ownBlock) return standaloneBlock(input, source, undefined, undefined, title, invitee && ours);
  }
  return standaloneBlock(input, source, copy, created, title, invitee && ours);
}

/** A busy block of the event's own (a series' block, a single event's, or a lone occurrence's): made or followed. */
function standaloneBlock(
  input: PlanInput,
  source: SourceFacts,
  copy: EventRef | undefined,
  created: EventRef | undefined,
  title: string,
  uninvite: boolean,
): Action {
  const { event, entry, settings } = input;
  const skip = (reason: string): Skip => ({ kind: 'skip', source, reason });
  if (created) {
    if (entry?.rule === 'busy' && !changedSince(entry, event)) return skip('busy block is up to date');
    return {
      kind: 'update-copy',
      source,
      target: created,
      copyKind: 'mirror',
      form: 'busy',
      body: colourOf(input, busyFollowPatch(originOf(input), event, title)),
    };
  }
  const target = copy ?? mirrorTarget(input, source);
  return {
    kind: 'mirror',
    source,
    target,
    form: 'busy',
    body: colourOf(input, busyBlock(originOf(input), event, target.eventId, title)),
    ...(uninvite ? { uninvite: { email: settings.inviteEmail, event } } : {}),
  };
}

/** The mirror of an event on the shared calendar: made, followed, or left as it is. */
function mirrorPlan(
  input: PlanInput,
  source: SourceFacts,
  entry: ProcessedEvent | undefined,
  copy: EventRef | undefined,
  created: EventRef | undefined,
): Action {
  const { calendarId, event, settings } = input;
  const skip = (reason: string): Skip => ({ kind: 'skip', source, reason });
  if (masterIdOf(event) && event.originalStartTime) {
    if (!input.seriesMirrored) return skip('series is not mirrored');
    const target = copy ?? mirrorOccurrence(calendarId, event, settings, input.seriesMirrorId);
    if (!target) return skip('occurrence id not recognised');
    // An occurrence of a series shared as a busy block is one too, whatever its own visibility.
    if (input.seriesBusy)
      return {
        kind: 'update-occurrence',
        source,
        target,
        body: colourOf(input, busyOccurrencePatch(event, busyTitleOf(input))),
      };
    if (copy && entry && !changedSince(entry, event)) return skip('mirror is up to date');
    return { kind: 'update-occurrence', source, target, body: colourOf(input, occurrencePatch(event)) };
  }
  if (created) {
    // A busy block turns back into the mirror in place, changed or not (a setting or the visibility changed).
    if (entry && (changedSince(entry, event) || entry.rule === 'busy'))
      return {
        kind: 'update-copy',
        source,
        target: created,
        copyKind: 'mirror',
        form: 'full',
        body: colourOf(input, followPatch('mirror', originOf(input), event, settings.inviteEmail)),
      };
    return skip('mirror is up to date');
  }
  const target = copy ?? mirrorTarget(input, source);
  return {
    kind: 'mirror',
    source,
    target,
    body: colourOf(input, mirrorOf(originOf(input), event, target.eventId)),
  };
}

/** Where a new mirror or busy block of an event goes: the shared calendar, at the mirror's id. */
function mirrorTarget(input: PlanInput, source: SourceFacts): EventRef {
  const { settings } = input;
  return {
    calendarId: settings.inviteEmail,
    eventId: copyEventId(settings.target, input.calendarId, source.eventId, 'mirror'),
  };
}

/**
 * Where a birthday or Gmail copy is made, and whether it carries the shared
 * calendar as guest. On the shared calendar itself it needs no guest: with
 * organizedEvents "mirror", and for the old read-only contacts-birthday
 * calendar, which takes no writes (its copies go to birthdayCopyCalendar, else there).
 */
export function copyPlace(
  calendarId: string,
  rule: 'birthday' | 'gmail',
  settings: RuleSettings,
): { calendarId: string; invitee: string | undefined } {
  const shared = { calendarId: settings.inviteEmail, invitee: undefined };
  if (settings.organizedEvents === 'mirror') return shared;
  const own =
    rule === 'birthday'
      ? (settings.birthdayCopyCalendar ?? (isContactsBirthdayCalendar(calendarId) ? undefined : calendarId))
      : calendarId;
  if (own === undefined || sameEmail(own, settings.inviteEmail)) return shared;
  return { calendarId: own, invitee: settings.inviteEmail };
}

/**
 * Plans a whole listing. Series masters go first so their occurrences know
 * whether the series is mirrored (its mirror's occurrence ids derive from it).
 */
export function planChanges(
  calendarId: string,
  events: GoogleEvent[],
  entries: EntryLookup | undefined,
  settings: RuleSettings,
  elsewhere?: Elsewhere,
): Action[] {
  const isOccurrence = (e: GoogleEvent) =>
    Boolean(masterIdOf(e) && (e.originalStartTime || e.recurringEventId));
  const ordered = [...events.filter((e) => !isOccurrence(e)), ...events.filter(isOccurrence)];
  // Series mirrored in this listing; older ones are looked up in the entries.
  const mirroredNow = new Map<string, string>();
  const unmirroredNow = new Set<string>();
  /** Series whose mirror is made or changed in this listing: whether it is a busy block now. */
  const busyNow = new Map<string, boolean>();
  const isMirrored = (masterId: string) => {
    if (mirroredNow.has(masterId)) return true;
    if (unmirroredNow.has(masterId)) return false;
    const master = entries?.get(masterId);
    // A series mirror whose creation is in doubt is no mirror to patch occurrences of; nor is one a
    // person deleted from the shared calendar (its occurrences went with it, and stay gone).
    return (
      (master?.rule === 'mirror' || master?.rule === 'busy') &&
      Boolean(master.copyId) &&
      !master.copyUnconfirmed &&
      master.delivery !== 'dismissed'
    );
  };
  const isBusy = (masterId: string) => busyNow.get(masterId) ?? entries?.get(masterId)?.rule === 'busy';
  const invitedNow = new Set<string>();
  const isInvited = (masterId: string) =>
    invitedNow.has(masterId) || entries?.get(masterId)?.rule === 'invite';
  // Birthday series copied in this listing; older ones are looked up in the entries.
  const copiedNow = new Map<string, EventRef>();
  const seriesCopyOf = (masterId: string): EventRef | undefined => {
    const now = copiedNow.get(masterId);
    if (now) return now;
    const master = entries?.get(masterId);
    return master?.rule === 'birthday' && master.copyId && master.copyCalendar && !master.copyUnconfirmed
      ? { calendarId: master.copyCalendar, eventId: master.copyId }
      : undefined;
  };
  // This install's copies the listing shows on the calendar, by their source: found again after a lost state.
  const listedCopies = new Map<string, EventRef>();
  for (const event of events) {
    if (event.status === 'cancelled' || !isCopyId(event.id ?? '')) continue;
    if (markedSourceEvent(event, calendarId, settings.target, settings.sourceCalendars) !== 'mine') continue;
    const marker = event.extendedProperties?.private?.[MARKER.source] ?? '';
    if (markedSourceCalendar(event) === calendarId)
      listedCopies.set(marker.slice(calendarId.length + 1), { calendarId, eventId: event.id ?? '' });
  }
  const actions: Action[] = [];
  for (const event of ordered) {
    const masterId = masterIdOf(event);
    const seriesCopy = masterId === undefined ? undefined : seriesCopyOf(masterId);
    const action = planEvent({
      calendarId,
      event,
      entry: entries?.get(event.id ?? ''),
      seriesMirrored: masterId !== undefined && isMirrored(masterId),
      seriesMirrorId:
        masterId === undefined ? undefined : (mirroredNow.get(masterId) ?? entries?.get(masterId)?.copyId),
      seriesBusy: masterId !== undefined && isBusy(masterId),
      seriesInvited: masterId !== undefined && isInvited(masterId),
      ...(seriesCopy ? { seriesCopy } : {}),
      ...(listedCopies.has(event.id ?? '') ? { adoptCopy: listedCopies.get(event.id ?? '') } : {}),
      settings,
      elsewhere,
    });
    if (action.kind === 'copy-birthday') copiedNow.set(action.source.eventId, action.target);
    if (action.kind === 'mirror' && event.recurrence?.length)
      mirroredNow.set(action.source.eventId, action.target.eventId);
    if ((action.kind === 'mirror' || action.kind === 'update-copy') && event.recurrence?.length)
      busyNow.set(action.source.eventId, action.form === 'busy');
    // A series mirror or block that goes now (deleted, or replaced by an invitation) has no occurrences to update.
    if (
      (action.kind === 'delete-copy' && action.copyKind === 'mirror') ||
      (action.kind === 'invite' && action.replaces)
    )
      unmirroredNow.add(action.source.eventId);
    if (action.kind === 'invite' && event.recurrence?.length) invitedNow.add(action.source.eventId);
    actions.push(action);
  }
  return actions;
}
