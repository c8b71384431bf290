/** What `calsync status` reads: the state, the poll-failure trace, the token files, the timers. Nothing is written. */
import { existsSync } from 'node:fs';
import type { Settings } from '../config/types.js';
import { buildOverview, type StatusOverview } from '../health/overview.js';
import { tokenPath } from '../google/token-store.js';
import { readPollConfigFailure } from '../state/poll-failure.js';
import { readState } from '../state/index.js';
import { listCalsyncTimers } from '../systemd/timers.js';

export async function readStatus(settings: Settings, now = new Date()): Promise<StatusOverview> {
  const [state, pollConfigFailure, timers] = await Promise.all([
    readState(settings.configDir),
    readPollConfigFailure(settings.configDir),
    listCalsyncTimers('user'),
  ]);
  return buildOverview({
    state,
    settings,
    now,
    pollConfigFailure,
    hasTokenFile: (account) => {
      try {
        return existsSync(tokenPath(settings.configDir, account));
      } catch {
        // A name no token file can have: none.
        return false;
      }
    },
    timers: timers ?? null,
  });
}
