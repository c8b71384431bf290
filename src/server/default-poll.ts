import { loadEngine } from './preload.js';
import type { Settings } from '../config/types.js';
import type { PollReport } from '../sync/report.js';
import { log } from '../util/log.js';
import type { PollFn } from './poll-queue.js';

/**
 * The poll a notification triggers: the engine's own `runPoll` for that one
 * calendar (it takes the cross-process state lock itself). The engine is
 * loaded once, when the server starts (preload.ts). `signal` (the queue's
 * drain) ends a wait for the lock; `stop` (the server's SIGTERM) stops the
 * poll itself: its requests end, its state is saved (sync/poll-run.ts).
 */
export function defaultPoll(settings: Settings, stop?: AbortSignal): PollFn {
  return async (calendarId: string, signal: AbortSignal) => {
    const { runPoll } = await loadEngine();
    const report = await runPoll({
      settings,
      calendars: [calendarId],
      trigger: 'webhook',
      signal,
      ...(stop ? { stop } : {}),
    });
    const line = webhookPollLine(calendarId, report);
    if (line) log.info(line);
    return report;
  };
}

/**
 * One line for a notification's poll that wrote something: the calendar, what
 * was done and to which events, so the journal answers "why did my calendar
 * change?". A poll that wrote nothing says nothing (notifications are many).
 */
export function webhookPollLine(calendarId: string, report: PollReport): string | undefined {
  const done = report.actions.filter((a) => a.result === 'done');
  if (done.length === 0) return undefined;
  const byKind = new Map<string, string[]>();
  for (const a of done) {
    const titles = byKind.get(a.action) ?? [];
    titles.push(JSON.stringify(a.summary ?? a.eventId));
    byKind.set(a.action, titles);
  }
  const what = [...byKind].map(([kind, titles]) => `${kind} ${titles.join(', ')}`).join('; ');
  return `webhook poll of ${calendarId}: ${done.length} done: ${what}`;
}
