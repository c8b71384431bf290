/**
 * Which shared calendar the state serves, and whether the poll is moving away
 * from another one (issue 22). Pure, and light: an idle poll asks it (the move
 * itself, move.ts, loads only while a move is under way).
 *
 * The old shared calendar is known from the state (`target`: what its entries
 * were made for), or, after a lost state file, from `previousInviteEmail`,
 * which `calsync config set inviteEmail` writes.
 */
import type { Settings } from '../config/types.js';
import type { State } from '../state/types.js';
import { log } from '../util/log.js';
import { isLegacyCopyId } from './ids.js';
import { targetOf } from './ownership.js';

/** The shared calendar a poll moves away from, if any. */
export function movingFrom(state: State, settings: Settings): string | undefined {
  const target = targetOf(settings.inviteEmail);
  if (!target) return undefined;
  if (state.target && state.target !== target) return state.target;
  const move = state.move;
  if (move && move.to === target && !move.doneAt) return move.from;
  const previous = targetOf(settings.previousInviteEmail);
  if (!previous || previous === target) return undefined;
  // Done already (a lost state file forgets that: the next poll looks once more, and finds nothing).
  if (move && move.from === previous && move.to === target && move.doneAt) return undefined;
  return previous;
}

/**
 * The state's entries were made for the old shared calendar: they name its
 * copies and invitations, which the move takes away (move.ts), so the new
 * one starts as a first sync would (every calendar listed in full).
 */
export function startMove(state: State, from: string, to: string): void {
  if (state.move && state.move.from === from && state.move.to === to && !state.move.doneAt) return;
  state.events = {};
  for (const cal of Object.values(state.calendars)) delete cal.syncToken;
  delete state.delivery;
  state.target = to;
  state.move = { from, to, since: new Date().toISOString(), left: -1 };
  log.info(`moving from ${from} to ${to}: what calsync made for ${from} is taken away, and made for ${to}`);
}

/**
 * A state of the previous release names no shared calendar: its entries were
 * made for the one configured now (a move from another one is `startMove`).
 * They are adopted as they are: copies keep their ids, and are found by them.
 * Says once how many.
 */
export function adoptLegacyState(state: State, target: string): number {
  if (state.target !== undefined || !target) return 0;
  let adopted = 0;
  for (const table of Object.values(state.events))
    for (const [, entry] of table.entries())
      if ((entry.copyId && isLegacyCopyId(entry.copyId)) || entry.rule === 'invite') adopted++;
  state.target = target;
  if (adopted > 0)
    log.info(
      `adopted ${adopted} copies, mirrors and invitations of the previous calsync release for ${target}`,
    );
  return adopted;
}
