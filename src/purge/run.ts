/**
 * `calsync purge`: finds everything calsync made on Google (find.ts), then
 * deletes copies and mirrors and takes back the invitations it added, paced
 * under the quota like a poll. Each removal stands alone, so a run stopped
 * anywhere (even kill -9) is finished by running it again; a run after a
 * complete one finds nothing and writes nothing.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import type { Settings } from '../config/types.js';
import { webhookTokenPath } from '../config/paths.js';
import { AuthError, errorMessage } from '../errors.js';
import { classifyGoogleError } from '../google/google-error.js';
import { runWatch } from '../push/watch.js';
import { fallbackHealthPath } from '../health/memory.js';
import { openState, readState, statePath, withStateLock } from '../state/index.js';
import { GoogleAccess } from '../sync/api.js';
import { MARKER } from '../sync/types.js';
import { log } from '../util/log.js';
import {
  findOnCalendar,
  purgeCalendars,
  removeMarked,
  type FoundItem,
  type PurgeKind,
} from '../sync/marked-events.js';
import { doubtBeforeRemoval, forgetUndone, type Forgotten } from './forget-shares.js';

export interface PurgeOptions {
  settings: Settings;
  calendars?: string[];
  dryRun?: boolean;
  /** After a complete purge: drop the state, the webhook token and the health memory. */
  forget?: boolean;
  onProgress?: (message: string) => void;
  /** SIGINT, SIGTERM (cli/stop-signals.ts): no request after it; what is in flight ends (google/request-signals.ts); --forget is skipped. */
  stop?: AbortSignal;
}

export type ItemResult = 'planned' | 'removed' | 'gone' | 'failed';

export interface PurgeItemReport {
  calendarId: string;
  eventId: string;
  kind: PurgeKind;
  summary?: string;
  /** For copies and mirrors: `<source calendar>/<source event id>`. */
  source?: string;
  result: ItemResult;
  note?: string;
  error?: string;
}

export interface PurgeCalendarReport {
  calendarId: string;
  account?: string;
  copies: number;
  mirrors: number;
  invites: number;
  error?: string;
}

export interface PurgeReport {
  exitCode: 0 | 1;
  dryRun: boolean;
  calendars: PurgeCalendarReport[];
  items: PurgeItemReport[];
  /** Push channels stopped (or, in a dry run, to stop). */
  channels: { calendarId: string; action: string; error?: string }[];
  /** Files removed by --forget (or, in a dry run, that would be). */
  forgotten: string[];
  /** Why --forget left the files, when it did. */
  forgetSkipped?: string;
  /**
   * Without --forget: the state's entries of what was removed, dropped
   * (forget-shares.ts), and the calendars the next poll lists in full; null
   * in a dry run, with --forget, or with no state file.
   */
  state: (Forgotten & { error?: string }) | null;
  apiCalls: number;
}

const KIND_COUNT = { copy: 'copies', mirror: 'mirrors', invite: 'invites' } as const;

function reportOf(item: FoundItem, result: ItemResult): PurgeItemReport {
  const source = item.event.extendedProperties?.private?.[MARKER.source];
  return {
    calendarId: item.calendarId,
    eventId: item.event.id ?? '',
    kind: item.kind,
    ...(item.event.summary ? { summary: item.event.summary } : {}),
    ...(source ? { source } : {}),
    result,
  };
}

async function stopChannels(opts: PurgeOptions): Promise<PurgeReport['channels']> {
  if (opts.dryRun) {
    try {
      const state = await readState(opts.settings.configDir);
      return Object.keys(state.channels).map((calendarId) => ({ calendarId, action: 'to stop' }));
    } catch (err) {
      log.warn(`cannot read the state's push channels: ${errorMessage(err)}`);
      return [];
    }
  }
  try {
    const report = await runWatch({
      settings: opts.settings,
      stop: true,
      ...(opts.stop ? { signal: opts.stop } : {}),
    });
    return report.calendars
      .filter((c) => c.action !== 'none')
      .map((c) => ({ calendarId: c.calendarId, action: c.action, ...(c.error ? { error: c.error } : {}) }));
  } catch (err) {
    return [{ calendarId: '*', action: 'failed', error: errorMessage(err) }];
  }
}

/** The files --forget removes: the state (and its leftovers), the webhook token, the health memory. */
async function forgettable(configDir: string): Promise<string[]> {
  const state = statePath(configDir);
  const base = state.slice(configDir.length + 1);
  let names: string[] = [];
  try {
    names = await readdir(configDir);
  } catch {
    return [];
  }
  const wanted = new Set([base, 'webhook-token', 'health.json']);
  const paths = names
    .filter((n) => wanted.has(n) || n.startsWith(`${base}.`))
    .map((n) => `${configDir}/${n}`);
  // Named through their owners' functions too, so a rename there is not missed silently.
  for (const p of [state, webhookTokenPath(configDir), fallbackHealthPath(configDir)])
    if (names.includes(p.slice(configDir.length + 1)) && !paths.includes(p)) paths.push(p);
  return paths.sort();
}

/**
 * Makes the state say what is left (forget-shares.ts). Called under the
 * purge's lock. A purge after the state was lost creates none; one that
 * cannot be updated is a failure of the run (the state would claim shares
 * that are gone): running purge again finds nothing and retries this.
 */
async function forgetInState(
  configDir: string,
  items: readonly PurgeItemReport[],
): Promise<Forgotten & { error?: string }> {
  if (!existsSync(statePath(configDir))) return { entries: 0, relisted: [] };
  const undone = items.filter((i) => i.result === 'removed' || i.result === 'gone');
  try {
    const store = await openState(configDir);
    const out = forgetUndone(store.state, undone);
    if (out.entries > 0) await store.save();
    return out;
  } catch (err) {
    const error = `the state could not be updated: ${errorMessage(err)}`;
    log.error(error);
    return { entries: 0, relisted: [], error };
  }
}

/**
 * Saves, before anything is removed, that what is about to go is in doubt
 * (forget-shares.ts): a purge stopped or killed halfway leaves a state the
 * next poll shares everything again from. A state that cannot be written
 * stops the purge before it removes anything.
 */
async function doubtInState(configDir: string, found: readonly FoundItem[]): Promise<void> {
  if (!existsSync(statePath(configDir))) return;
  const store = await openState(configDir);
  const about = found.map((item) => ({
    calendarId: item.calendarId,
    eventId: item.event.id ?? '',
    kind: item.kind,
  }));
  if (doubtBeforeRemoval(store.state, about).entries > 0) await store.save();
}

export async function runPurge(opts: PurgeOptions): Promise<PurgeReport> {
  const { settings } = opts;
  const calendarIds = purgeCalendars(settings, opts.calendars);
  const dryRun = opts.dryRun === true;
  // Channels first: stopping them takes the state lock, which the purge then holds.
  opts.onProgress?.('stopping push channels');
  const channels = await stopChannels(opts);
  // Under the state lock, so a poll from a timer cannot make copies again while they go.
  return withStateLock(
    settings.configDir,
    async () => {
      const api = new GoogleAccess(settings, undefined, opts.stop);
      const calendars: PurgeCalendarReport[] = [];
      const found: FoundItem[] = [];
      for (const calendarId of calendarIds) {
        opts.onProgress?.(`looking for calsync's events on ${calendarId}`);
        const cal: PurgeCalendarReport = { calendarId, copies: 0, mirrors: 0, invites: 0 };
        calendars.push(cal);
        try {
          const items = await findOnCalendar(api, settings, calendarId);
          cal.account = items[0]?.account ?? api.accountOf(calendarId);
          for (const item of items) cal[KIND_COUNT[item.kind]]++;
          found.push(...items);
        } catch (err) {
          cal.error = err instanceof AuthError ? err.message : classifyGoogleError(err).message;
          log.error(`calendar ${calendarId}: ${cal.error}`);
        }
      }
      const items: PurgeItemReport[] = [];
      if (dryRun) items.push(...found.map((item) => reportOf(item, 'planned')));
      else {
        if (!opts.forget) await doubtInState(settings.configDir, found);
        let done = 0;
        opts.onProgress?.(`removing 0/${found.length}`);
        // Side by side: each account's pacer keeps its own calls under the quota.
        const outcomes = await Promise.all(
          found.map(async (item) => {
            let out: PurgeItemReport;
            try {
              out = {
                ...reportOf(item, 'removed'),
                ...(await removeMarked(api, item, settings.inviteEmail ?? '')),
              };
            } catch (err) {
              const error = err instanceof AuthError ? err.message : classifyGoogleError(err).message;
              out = { ...reportOf(item, 'failed'), error };
              log.warn(`could not remove ${item.kind} ${item.calendarId}/${out.eventId}: ${error}`);
            }
            opts.onProgress?.(`removing ${++done}/${found.length}`);
            return out;
          }),
        );
        items.push(...outcomes);
      }
      const state = dryRun || opts.forget ? null : await forgetInState(settings.configDir, items);
      const failed =
        state?.error !== undefined ||
        calendars.some((c) => c.error) ||
        items.some((i) => i.result === 'failed') ||
        channels.some((c) => c.action === 'failed');
      const report: PurgeReport = {
        exitCode: failed ? 1 : 0,
        dryRun,
        calendars,
        items,
        channels,
        forgotten: [],
        state,
        apiCalls: api.calls,
      };
      if (opts.forget) {
        const files = await forgettable(settings.configDir);
        if (opts.stop?.aborted) report.forgetSkipped = 'the purge was stopped before it finished';
        else if (failed) report.forgetSkipped = 'something could not be removed; run purge --forget again';
        else if (opts.calendars?.length) report.forgetSkipped = '--forget needs a purge of every calendar';
        else {
          report.forgotten = files;
          if (!dryRun) for (const f of files) await rm(f, { force: true });
        }
      }
      return report;
    },
    {
      onWait: (holder) => log.info(`another calsync process holds the state lock (${holder}); waiting`),
      ...(opts.stop ? { signal: opts.stop } : {}),
    },
  );
}
