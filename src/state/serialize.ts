import { EVENT_COLUMNS } from './event-row.js';
import type { State } from './types.js';

/**
 * The text of state.json. The small sections come first and the event rows
 * last, so `head -c 2000 state.json` (or jq) shows sync tokens, channels and
 * health at a glance; `eventColumns` names the fields of every row.
 */
export function serializeState(state: State): string {
  const { version, events, ...rest } = state;
  return JSON.stringify({ version, eventColumns: EVENT_COLUMNS, ...rest, events });
}
