/** The shared calendar: whether mirrors may be written there, and who still holds a mirror. */
import type { Settings } from '../config/types.js';
import { AuthError, errorMessage } from '../errors.js';
import { sharedAccount } from '../google/auth.js';
import { classifyGoogleError } from '../google/google-error.js';
import type { State } from '../state/types.js';
import { log } from '../util/log.js';
import type { GoogleAccess } from './api.js';
import type { Elsewhere } from './types.js';

/** Whether a source calendar other than this one still keeps this mirror (a meeting both accounts are invited to). */
export function mirrorHeldElsewhere(state: State, calendarId: string, copyId: string): boolean {
  for (const [other, entries] of Object.entries(state.events))
    if (other !== calendarId && entries.holdsCopy(copyId)) return true;
  return false;
}

/**
 * What the other source calendars hold, read from the state when asked. An
 * occurrence is attended by a calendar that keeps the series mirror, unless
 * its entry for that occurrence says it let go of it (rule "occurrence",
 * no copy: declined or cancelled there).
 */
export function elsewhereOf(state: State, calendarId: string): Elsewhere {
  return {
    holdsMirror: (copyId) => mirrorHeldElsewhere(state, calendarId, copyId),
    attendsOccurrence: (seriesMirrorId, occurrenceId) => {
      for (const [other, entries] of Object.entries(state.events)) {
        if (other === calendarId || !entries.holdsCopy(seriesMirrorId)) continue;
        const entry = entries.get(occurrenceId);
        if (!(entry?.rule === 'occurrence' && !entry.copyId)) return true;
      }
      return false;
    },
  };
}

/**
 * Whether the shared account may write the shared calendar. "No" (no access,
 * or no token for that account) skips mirrors with a warning; any other error
 * fails the calendar, so the sync token stays and nothing is lost.
 */
export async function canWriteShared(api: GoogleAccess, settings: Settings): Promise<boolean> {
  const shared = settings.inviteEmail ?? '';
  const account = sharedAccount(settings) ?? shared;
  const hint = `run: calsync config set sharedCalendarAccount <an account that can write it> (or calsync auth ${account} --client-secrets …), then: calsync poll --full-resync`;
  try {
    const res = await api.call(account, 'calendarList.get', (c) =>
      c.calendarList.get({ calendarId: shared }),
    );
    if (res.data.accessRole === 'owner' || res.data.accessRole === 'writer') return true;
    log.warn(`mirrors skipped: account ${account} may only read the shared calendar ${shared}; ${hint}`);
    return false;
  } catch (err) {
    const { status } = classifyGoogleError(err);
    if (!(err instanceof AuthError) && status !== 403 && status !== 404) throw err;
    log.warn(
      `mirrors skipped: account ${account} cannot write the shared calendar ${shared}: ${errorMessage(err)}; ${hint}`,
    );
    return false;
  }
}
