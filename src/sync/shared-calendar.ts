/** The shared calendar: who still holds a mirror there (mirror-writer.ts says who may write it). */
import type { State } from '../state/types.js';
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
    meetingLetGo: (eventId) => {
      let found: 'invite' | undefined;
      for (const [other, entries] of Object.entries(state.events)) {
        if (other === calendarId) continue;
        const entry = entries.get(eventId);
        if (entry?.delivery === 'dismissed') return 'dismissed';
        if (entry?.rule === 'invite') found = 'invite';
      }
      return found;
    },
  };
}
