import type { State } from './types.js';

/** The number of processed-event entries over every calendar (the `calsync_processed_event_ids` gauge). */
export function entryCount(state: State): number {
  let n = 0;
  for (const table of Object.values(state.events)) n += table.size;
  return n;
}
