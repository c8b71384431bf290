import type { Settings } from '../config/types.js';
import type { PollFn } from './poll-queue.js';

/**
 * The poll a notification triggers: the engine's own `runPoll` for that one
 * calendar (it takes the cross-process state lock itself). Imported on first
 * use, so the server's modules load without the sync engine.
 */
export function defaultPoll(settings: Settings): PollFn {
  return async (calendarId: string, signal: AbortSignal) => {
    const { runPoll } = await import('../sync/poll.js');
    return runPoll({ settings, calendars: [calendarId], trigger: 'webhook', signal });
  };
}
