import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'clock-shift.mjs')).href;

/** Environment that gives a spawned calsync a clock this many ms off. */
export function shiftedClock(ms: number): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `--import ${PRELOAD}`, TEST_CLOCK_SHIFT_MS: String(ms) };
}

export const DAY_MS = 86_400_000;
