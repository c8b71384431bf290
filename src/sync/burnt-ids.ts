/**
 * Burnt ids: Google keeps a deleted event's id, so inserting it again answers
 * 409, and an update of an event deleted in the UI has been reported to
 * answer 403: the id can then never hold a copy again. A copy or mirror whose
 * deterministic id is burnt moves on to the next id of a deterministic
 * sequence (`<id>`, `<id>v1`, `<id>v2`, … all base32hex), so a lost state
 * walks the same sequence and finds the live copy again (409, then a patch
 * that works), and nothing is ever duplicated nor failed for good.
 */
import { classifyGoogleError } from '../google/google-error.js';
import { COPY_ID_PATTERN } from './ids.js';
import type { EventRef } from './types.js';

/** Ids tried in one write before giving up until the next poll (each burnt one took a person's deletion). */
export const MAX_ID_GENERATIONS = 32;

/** calsync's own ids: "ct" (or the previous release's "cs") and 26 base32hex characters (ids.ts), then the generation, if any. */
const SEQUENCED = new RegExp(`^(${COPY_ID_PATTERN})(?:v([1-9a-v][0-9a-v]*))?$`);

/** The id of generation `n` (0 is the deterministic id itself). */
export function idOfGeneration(baseId: string, n: number): string {
  return n === 0 ? baseId : `${baseId}v${n.toString(32)}`;
}

/** The deterministic id and the generation of one of calsync's ids; undefined for other ids. */
export function splitGeneration(id: string): { baseId: string; generation: number } | undefined {
  const m = SEQUENCED.exec(id);
  if (!m?.[1]) return undefined;
  return { baseId: m[1], generation: m[2] ? parseInt(m[2], 32) : 0 };
}

/** Whether an update of an existing id failed because the event there is deleted for good. */
export function isBurnt(err: unknown): boolean {
  const info = classifyGoogleError(err);
  return info.status === 410 || (info.status === 403 && info.reason === 'forbidden');
}

export interface Placed {
  target: EventRef;
  writes: number;
  existed: boolean;
}

/**
 * Called by the 409 path of an insert when the existing event could not be
 * brought back (burnt): tries the next ids of the sequence with `attempt`
 * (an insert, and on 409 a patch), which throws `isBurnt` errors for burnt
 * ids. `spent` counts the writes already made for the burnt id.
 */
export async function placeAfterBurntId(
  burnt: EventRef,
  spent: number,
  attempt: (target: EventRef) => Promise<{ writes: number; existed: boolean }>,
  cause: unknown,
): Promise<Placed> {
  const split = splitGeneration(burnt.eventId);
  if (!split) throw cause;
  let writes = spent;
  let last = cause;
  for (let n = split.generation + 1; n <= split.generation + MAX_ID_GENERATIONS; n++) {
    const target = { calendarId: burnt.calendarId, eventId: idOfGeneration(split.baseId, n) };
    try {
      const r = await attempt(target);
      return { target, writes: writes + r.writes, existed: r.existed };
    } catch (err) {
      if (!(err instanceof BurntIdError)) throw err;
      writes += err.writes;
      last = err.cause;
    }
  }
  throw last;
}

/** An attempt's id turned out burnt after `writes` writes (an insert's 409, then the refused patch). */
export class BurntIdError extends Error {
  constructor(
    readonly writes: number,
    override readonly cause: unknown,
  ) {
    super('the id is burnt');
  }
}
