/**
 * Finding what this install wrote, on Google itself (so it works after the
 * state is lost): copies and mirrors carry `calsyncSource`, `calsyncRule` and
 * `calsyncTarget`, and the events it invited its shared calendar to carry its
 * invite marker (ownership.ts); another install's are left out.
 * Google filters private properties by key=value only, so "any source" is
 * listed as one listing per rule value.
 */
import type { Settings } from '../config/types.js';
import { ConfigError, AuthError } from '../errors.js';
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from './api.js';
import type { CopyRule } from './ids.js';
import { copyOwnership, invitedMarkerKey, ownInviteMarkerKeys, targetOf } from './ownership.js';
import { removeCalsyncInvitee } from './remove-invitee.js';
import { MARKER, type GoogleEvent } from './types.js';

/** Every value of `calsyncRule`: the copy rules, and `busy` (a busy block, in a mirror's place). */
export type MarkedRule = CopyRule | 'busy';

/** Every rule a copy, mirror or busy block can be made by (the values of `calsyncRule`). */
export const COPY_RULES: readonly MarkedRule[] = ['birthday', 'gmail', 'mirror', 'busy'];

export type PurgeKind = 'copy' | 'mirror' | 'invite';

export interface FoundItem {
  calendarId: string;
  /** The account that lists and writes this calendar in the purge. */
  account: string;
  kind: PurgeKind;
  /** The event as listed: a full resource, with the etag an If-Match update needs. */
  event: GoogleEvent;
}

/** A listing never follows more pages than this (250 000 events at 2 500 a page). */
const MAX_PAGES = 100;

/** Every calendar calsync reads or writes, each once; a ConfigError when no source is configured. */
export function calsyncCalendars(settings: Settings): string[] {
  const all = [
    ...settings.sourceCalendars,
    ...(settings.inviteEmail ? [settings.inviteEmail] : []),
    ...(settings.birthdayCopyCalendar ? [settings.birthdayCopyCalendar] : []),
  ].filter((id, i, list) => list.indexOf(id) === i);
  if (all.length === 0)
    throw new ConfigError('no source calendars are configured', {
      hint: 'run: calsync config set sourceCalendars <calendar id>,<calendar id>',
    });
  return all;
}

/**
 * The calendars calsync may have written: every source calendar, the shared
 * calendar and the birthday copy calendar; `--calendar` narrows them to those named.
 */
export function purgeCalendars(settings: Settings, only: string[] | undefined): string[] {
  const all = calsyncCalendars(settings);
  if (!only?.length) return all;
  for (const id of only)
    if (!all.includes(id))
      throw new ConfigError(`--calendar ${id} is not a calendar calsync writes`, {
        hint: `calendars: ${all.join(', ')}`,
      });
  return all.filter((id) => only.includes(id));
}

/**
 * The accounts that may list and write a calendar, in order: its own, then
 * (for the shared calendar, whose mirrors the source accounts wrote) each
 * source account, for when the shared calendar's account has no token here.
 */
export function candidateAccounts(api: GoogleAccess, settings: Settings, calendarId: string): string[] {
  const own = api.accountOf(calendarId);
  const others =
    calendarId === settings.inviteEmail ? settings.sourceCalendars.map((c) => api.accountOf(c)) : [];
  return [own, ...others].filter((a, i, list) => list.indexOf(a) === i);
}

/**
 * Which listings a calendar needs: mirrors are only ever written to the
 * shared calendar, and only source events are invited; birthday and Gmail
 * copies may be on any (their own calendar, the copy calendar, the shared one).
 */
export function queriesFor(
  settings: Settings,
  calendarId: string,
): { rules: MarkedRule[]; invited: boolean } {
  const isSource = settings.sourceCalendars.includes(calendarId);
  const isShared = calendarId === settings.inviteEmail;
  return {
    // Mirrors and busy blocks are only ever made on the shared calendar.
    rules: COPY_RULES.filter((rule) => (rule !== 'mirror' && rule !== 'busy') || isShared),
    invited: isSource,
  };
}

async function listByProperty(
  api: GoogleAccess,
  account: string,
  calendarId: string,
  property: string,
): Promise<GoogleEvent[]> {
  const out: GoogleEvent[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.call(account, 'events.list', (c) =>
      c.events.list({ calendarId, privateExtendedProperty: [property], maxResults: 2500, pageToken }),
    );
    out.push(...(res.data.items ?? []));
    pageToken = res.data.nextPageToken ?? undefined;
    if (!pageToken) break;
  }
  return out;
}

/**
 * What is left to do on one calendar. Cancelled events are done already; a
 * changed occurrence of a copied series goes with its series, so it is only
 * an item of its own when its series is gone.
 */
export function itemsOf(
  calendarId: string,
  account: string,
  copies: GoogleEvent[],
  invited: GoogleEvent[],
  target: string,
): FoundItem[] {
  const live = (e: GoogleEvent) => e.status !== 'cancelled';
  // Only this install's: what another install (another shared calendar) made stays exactly as it is.
  copies = copies.filter((e) => copyOwnership(e, calendarId, target) === 'mine');
  invited = invited.filter((e) => ownInviteMarkerKeys(e, target).length > 0);
  const copyIds = new Set(copies.filter(live).map((e) => e.id));
  const items: FoundItem[] = [];
  const seen = new Set<string>();
  for (const event of copies.filter(live)) {
    if (!event.extendedProperties?.private?.[MARKER.source]) continue;
    if (event.recurringEventId && copyIds.has(event.recurringEventId)) continue;
    if (seen.has(event.id ?? '')) continue;
    seen.add(event.id ?? '');
    const rule = event.extendedProperties.private[MARKER.rule];
    const kind = rule === 'mirror' || rule === 'busy' ? 'mirror' : 'copy';
    items.push({ calendarId, account, kind, event });
  }
  for (const event of invited.filter(live)) {
    if (seen.has(event.id ?? '')) continue;
    seen.add(event.id ?? '');
    items.push({ calendarId, account, kind: 'invite', event });
  }
  return items;
}

/** Lists one calendar's copies, mirrors and invited events with the first account that may. */
export async function findOnCalendar(
  api: GoogleAccess,
  settings: Settings,
  calendarId: string,
): Promise<FoundItem[]> {
  const accounts = candidateAccounts(api, settings, calendarId);
  let lastError: unknown;
  for (const account of accounts) {
    try {
      const q = queriesFor(settings, calendarId);
      const copies: GoogleEvent[] = [];
      for (const rule of q.rules)
        copies.push(...(await listByProperty(api, account, calendarId, `${MARKER.rule}=${rule}`)));
      const target = targetOf(settings.inviteEmail);
      // This install's invite marker, and the previous release's (its own when its guest is this shared calendar).
      const invited = q.invited
        ? [
            ...(await listByProperty(api, account, calendarId, `${invitedMarkerKey(target)}=${target}`)),
            ...(await listByProperty(api, account, calendarId, `${MARKER.invited}=1`)),
          ]
        : [];
      return itemsOf(calendarId, account, copies, invited, target);
    } catch (err) {
      lastError = err;
      // No token here, or no access for this account: the next account may have it.
      const { status } = classifyGoogleError(err);
      if (!(err instanceof AuthError) && status !== 403 && status !== 404) throw err;
    }
  }
  throw lastError;
}

/**
 * Removes one found item: a copy or mirror is deleted, an invitation taken
 * back (`email`: the shared calendar it invited). Gone already is no failure.
 */
export async function removeMarked(
  api: GoogleAccess,
  item: FoundItem,
  email: string,
): Promise<{ result: 'removed' | 'gone'; note?: string }> {
  const { calendarId, account, event } = item;
  if (item.kind === 'invite') {
    const r = await removeCalsyncInvitee(api, account, calendarId, event, email);
    return r === 'marker-only'
      ? { result: 'removed', note: 'the guest was removed by a person already; the marker went' }
      : { result: r === 'gone' ? 'gone' : 'removed' };
  }
  try {
    await api.call(account, 'events.delete', (c) =>
      c.events.delete({ calendarId, eventId: event.id ?? '', sendUpdates: 'none' }),
    );
    return { result: 'removed' };
  } catch (err) {
    const { status } = classifyGoogleError(err);
    if (status === 404 || status === 410) return { result: 'gone' };
    throw err;
  }
}
