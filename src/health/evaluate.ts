import { isDelegatedAccount } from '../config/delegation.js';
import {
  SEPARATE_SHARED_CALENDAR_FIX,
  SET_SHARED_CALENDAR_FIX,
  sharedCalendarProblem,
} from '../config/shared-calendar.js';
import type { PollConfigFailure } from '../state/poll-failure.js';
import type { CalendarSyncState, State } from '../state/types.js';
import { parkedEvents } from '../sync/parking.js';
import { preview } from '../sync/validate.js';
import { checkInvitations } from './invitations.js';
import type { CheckResult } from './types.js';

/** The parts of the settings the pure checks read. */
export interface HealthSettings {
  sourceCalendars: string[];
  pollIntervalMinutes: number;
  webhookUrl: string | undefined;
  /** For which accounts are in use (as google/auth.ts resolves them; kept here so this module stays pure and light). */
  calendarAccounts?: Record<string, string>;
  sharedCalendarAccount?: string | undefined;
  /** Required, as in Settings: a fixture without it is a configuration no poll accepts. */
  inviteEmail: string | undefined;
  /** Which accounts the service account acts as (config/delegation.ts). */
  serviceAccountKey?: string | undefined;
  delegatedDomains?: string[];
}

/** The accounts the settings use: each source calendar's, and the one writing the shared calendar. */
export function accountsInUse(settings: HealthSettings): Set<string> {
  const accounts = new Set(settings.sourceCalendars.map((c) => settings.calendarAccounts?.[c] ?? c));
  const shared = settings.sharedCalendarAccount ?? settings.inviteEmail;
  if (shared) accounts.add(shared);
  return accounts;
}

/** How far in the future a stamp may be (clocks of two hosts, a second of rounding) before it is a problem. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A poll older than this many intervals is a WARNING, older than the second a CRITICAL. */
export const STALE_WARNING_INTERVALS = 3;
export const STALE_CRITICAL_INTERVALS = 6;
/** A channel that ends sooner than this is renewed by the daily `calsync watch`; if not, warn. */
export const CHANNEL_MIN_REMAINING_MS = 24 * 3_600_000;

export interface Thresholds {
  warningSeconds: number;
  criticalSeconds: number;
}

export function pollThresholds(pollIntervalMinutes: number): Thresholds {
  return {
    warningSeconds: STALE_WARNING_INTERVALS * pollIntervalMinutes * 60,
    criticalSeconds: STALE_CRITICAL_INTERVALS * pollIntervalMinutes * 60,
  };
}

/** Seconds since the calendar's last successful poll; undefined when it never had one. */
export function lastSuccessAgeSeconds(cal: CalendarSyncState | undefined, now: Date): number | undefined {
  if (!cal?.lastSuccessAt) return undefined;
  const at = Date.parse(cal.lastSuccessAt);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.round((now.getTime() - at) / 1000));
}

/**
 * A stored error as a message may quote it: a URL keeps its scheme, host and
 * path, never its query or userinfo (a sync token, a page token, a token to
 * revoke), whatever version of calsync stored it. The renderings escape it
 * for the terminal (terminalText) after this.
 */
export function storedErrorText(text: string): string {
  return text.replace(
    /\b(https?:\/\/)([^\s/?#@]*@)?([^\s?#]*)([?#][^\s)"',;]*)?/gi,
    (_m, scheme: string, _user, rest: string, query?: string) => `${scheme}${rest}${query ? '?…' : ''}`,
  );
}

/** Whether the calendar's last poll did not succeed (poll.ts sets lastError then, and drops it on success). */
export function lastPollFailed(
  cal: CalendarSyncState | undefined,
): cal is CalendarSyncState & { lastError: string } {
  return typeof cal?.lastError === 'string';
}

/** When the calendar's polls started failing: the first failed poll in a row, else (older states) after the last success. */
export function failingSince(cal: CalendarSyncState): string {
  return (
    cal.failingSince ?? (cal.lastSuccessAt ? `after ${cal.lastSuccessAt}` : (cal.lastPollAt ?? 'unknown'))
  );
}

/**
 * One result per source calendar: its last poll's result and the age of its
 * last success. OK only when the last poll succeeded and is younger than 3
 * poll intervals. A failed last poll is at least a WARNING naming the error
 * and since when; a stale success a WARNING, then a CRITICAL. A calendar
 * that never had a success is a WARNING, not a CRITICAL: a fresh install is
 * in that state until the first timer fires, and a first sync of a large
 * calendar may take several polls.
 */
export function checkPolls(state: State, settings: HealthSettings, now: Date): CheckResult[] {
  const t = pollThresholds(settings.pollIntervalMinutes);
  return settings.sourceCalendars.map((calendar): CheckResult => {
    const cal = state.calendars[calendar];
    const age = lastSuccessAgeSeconds(cal, now);
    const failed = lastPollFailed(cal) ? cal : undefined;
    const error = failed ? storedErrorText(failed.lastError) : undefined;
    const lastError = error ? ` (last error: ${error})` : '';
    const base = { kind: 'poll' as const, subject: calendar };
    const pollFix = `run: calsync poll --calendar ${calendar} --verbose (it prints the error in full and its fix)`;
    if (age === undefined) {
      return {
        ...base,
        status: 'WARNING',
        message: `${calendar}: no successful poll yet${lastError}`,
        fix: failed ? pollFix : 'run: calsync poll --calendar ' + calendar,
      };
    }
    const ahead = Date.parse(cal?.lastSuccessAt ?? '') - now.getTime();
    // A success stamped in the future says nothing of when the calendar last synced: a clock was wrong.
    if (ahead > FUTURE_TOLERANCE_MS)
      return {
        ...base,
        status: 'CRITICAL',
        message: `${calendar}: last successful poll is stamped ${Math.round(ahead / 1000)}s in the future (${cal?.lastSuccessAt ?? ''}): the clock of the poll or of this check is wrong${lastError}`,
        fix: `check the system clock (timedatectl; NTP), then run: calsync poll --calendar ${calendar}`,
      };
    if (age >= t.criticalSeconds || age >= t.warningSeconds) {
      return {
        ...base,
        status: age >= t.criticalSeconds ? 'CRITICAL' : 'WARNING',
        message: `${calendar}: last successful poll ${age}s ago (limit ${t.warningSeconds}s)${lastError}`,
        fix: failed
          ? pollFix
          : `run: calsync poll --calendar ${calendar} (and check: systemctl [--user] status calsync-poll.timer)`,
      };
    }
    if (failed) {
      const pollAge = lastPollAgeSeconds(failed, now);
      const when = pollAge === undefined ? '' : ` ${pollAge}s ago`;
      return {
        ...base,
        status: 'WARNING',
        message: `${calendar}: last poll failed${when}: ${error ?? ''} (failing since ${failingSince(failed)}; last success ${age}s ago)`,
        fix: pollFix,
      };
    }
    return { ...base, status: 'OK', message: `${calendar}: last successful poll ${age}s ago` };
  });
}

/** Seconds since the calendar's last poll, whatever its result. */
export function lastPollAgeSeconds(cal: CalendarSyncState | undefined, now: Date): number | undefined {
  const at = Date.parse(cal?.lastPollAt ?? '');
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((now.getTime() - at) / 1000));
}

/**
 * A configuration that stops every poll before it starts (poll-failure.json,
 * state/poll-failure.ts): CRITICAL at once, whatever the last success says.
 */
export function checkPollConfig(failure: PollConfigFailure | undefined): CheckResult[] {
  if (!failure) return [];
  return [
    {
      kind: 'config',
      subject: 'poll',
      status: 'CRITICAL',
      message: `every poll stops on its configuration since ${failure.since} (last at ${failure.at}): ${storedErrorText(failure.message)}`,
      fix: failure.hint ?? 'run: calsync config show',
    },
  ];
}

/** Accounts the poll marked as needing a new OAuth consent (invalid_grant). */
/** Marks of accounts the settings no longer use (a calendar removed) are not problems any more. */
export function checkNeedsAuth(
  state: State,
  inUse?: ReadonlySet<string>,
  settings?: HealthSettings,
): CheckResult[] {
  return Object.entries(state.accounts).flatMap(([account, a]): CheckResult[] =>
    a.needsAuth && (!inUse || inUse.has(account))
      ? [
          {
            kind: 'auth',
            subject: account,
            status: 'CRITICAL',
            message: `${account}: needs authorization since ${a.needsAuth.since} (${a.needsAuth.reason})`,
            // A delegated account has no sign-in: the live check (auth --list) names the admin's fix.
            fix:
              settings && isDelegatedAccount(settings, account)
                ? 'run: calsync auth --list (it names what the Workspace admin must do)'
                : authFix(account),
          },
        ]
      : [],
  );
}

export function authFix(account: string): string {
  return `run: calsync auth ${account} --client-secrets <client_secret.json>`;
}

/**
 * Push channels, only when a webhook URL is set: each source calendar has
 * one, and it outlives the next day (the daily `calsync watch` renews those
 * that do not; if it did not run, this warns before notifications stop).
 * Missing channels are a WARNING: polling still syncs, only later.
 */
export function checkChannels(state: State, settings: HealthSettings, now: Date): CheckResult[] {
  if (!settings.webhookUrl) return [];
  return settings.sourceCalendars.map((calendar): CheckResult => {
    const channel = state.channels[calendar];
    const base = { kind: 'channel' as const, subject: calendar, fix: 'run: calsync watch' };
    if (!channel) return { ...base, status: 'WARNING', message: `${calendar}: no push channel` };
    const remainingMs = channel.expiration - now.getTime();
    if (remainingMs <= 0) {
      return {
        ...base,
        status: 'WARNING',
        message: `${calendar}: push channel expired at ${new Date(channel.expiration).toISOString()}`,
      };
    }
    if (remainingMs < CHANNEL_MIN_REMAINING_MS) {
      const hours = Math.floor(remainingMs / 3_600_000);
      return {
        ...base,
        status: 'WARNING',
        message: `${calendar}: push channel expires in ${hours}h (${new Date(channel.expiration).toISOString()})`,
      };
    }
    return {
      kind: 'channel',
      subject: calendar,
      status: 'OK',
      message: `${calendar}: push channel until ${new Date(channel.expiration).toISOString()}`,
    };
  });
}

/**
 * Mirrors a poll skipped because no account may write the shared calendar: a
 * WARNING per source calendar (the poll itself exits 0: a skip is no failure),
 * with the fix, until a poll finds an account that may write it.
 */
export function checkMirrorAccess(state: State, settings: HealthSettings): CheckResult[] {
  return settings.sourceCalendars.flatMap((calendar): CheckResult[] => {
    const skipped = state.calendars[calendar]?.mirrorsSkipped;
    if (!skipped || typeof skipped.count !== 'number' || skipped.count <= 0) return [];
    const account = settings.calendarAccounts?.[calendar] ?? calendar;
    const shared = settings.inviteEmail ?? 'the shared calendar';
    return [
      {
        kind: 'mirror',
        subject: calendar,
        status: 'WARNING',
        message: `${calendar}: ${skipped.count} mirrors skipped since ${skipped.since} (${skipped.reason})`,
        fix:
          `give ${account} "Make changes to events" on ${shared}, or run: calsync config set ` +
          `sharedCalendarAccount <an account that may>; then run: calsync poll --full-resync`,
      },
    ];
  });
}

/**
 * No source calendar means nothing can be checked: UNKNOWN, the Nagios answer
 * for a check that cannot run. Sources but no usable shared calendar stop
 * every poll (sync/poll.ts assertPollable): CRITICAL at once, not only once a
 * poll has failed on it and left its trace.
 */
export function checkConfigured(settings: HealthSettings): CheckResult[] {
  if (settings.sourceCalendars.length > 0) return checkSharedCalendar(settings);
  return [
    {
      kind: 'config',
      subject: 'sourceCalendars',
      status: 'UNKNOWN',
      message: 'no source calendars configured',
      fix: 'run: calsync config set sourceCalendars <calendar id>[,<calendar id>…]',
    },
  ];
}

/** The shared calendar: set, and not a source calendar (config/shared-calendar.ts); /health asks it too. */
export function checkSharedCalendar(settings: HealthSettings): CheckResult[] {
  const base = { kind: 'config' as const, subject: 'inviteEmail', status: 'CRITICAL' as const };
  if (!settings.inviteEmail)
    return [
      {
        ...base,
        message: 'no shared calendar is configured (inviteEmail): every poll stops',
        fix: SET_SHARED_CALENDAR_FIX,
      },
    ];
  const problem = sharedCalendarProblem(settings);
  if (problem === undefined) return [];
  return [
    { ...base, message: `inviteEmail: ${problem}: every poll stops`, fix: SEPARATE_SHARED_CALENDAR_FIX },
  ];
}

/**
 * Events parked because Google kept refusing them: each its own WARNING, by
 * title, so one bad event neither hides among the rest nor turns the
 * calendar CRITICAL (the calendar's polls go on succeeding).
 */
export function checkParked(state: State, settings: HealthSettings): CheckResult[] {
  return parkedEvents(state, settings.sourceCalendars).map(({ calendarId, eventId, entry }) => {
    const title = entry.parked?.title ? `${preview(entry.parked.title, 60)} ` : '';
    const why = entry.failure ? `${entry.failure.attempts} times (${entry.failure.reason})` : 'repeatedly';
    return {
      kind: 'parked',
      subject: `${calendarId}/${eventId}`,
      status: 'WARNING',
      message: `${calendarId}: event ${title}(${preview(eventId, 60)}) is parked: Google refused it ${why}; see: calsync explain ${preview(eventId, 60)}`,
      fix: 'fix the event in Google Calendar (it is retried when it changes), or run: calsync poll --retry-failed',
    };
  });
}

/**
 * A move to another shared calendar under way (sync/move.ts): a WARNING with
 * what is left on the old one, never CRITICAL (the polls finish it by themselves).
 */
export function checkMove(state: State): CheckResult[] {
  const move = state.move;
  if (!move || move.doneAt) return [];
  const left = move.left >= 0 ? `${move.left} left` : 'not looked at yet';
  return [
    {
      kind: 'move',
      subject: move.from,
      status: 'WARNING',
      message: `moving from ${move.from} to ${move.to}: ${left}`,
      fix: 'the next polls finish it; to see what is left: calsync poll --dry-run',
    },
  ];
}

/** Every check that needs only the state (and the poll-failure trace beside it), the settings and the clock. */
export function evaluateState(
  state: State,
  settings: HealthSettings,
  now: Date,
  pollConfigFailure?: PollConfigFailure,
): CheckResult[] {
  return [
    ...checkConfigured(settings),
    ...checkPollConfig(pollConfigFailure),
    ...checkPolls(state, settings, now),
    ...checkNeedsAuth(state, accountsInUse(settings), settings),
    ...checkChannels(state, settings, now),
    ...checkMirrorAccess(state, settings),
    ...checkParked(state, settings),
    ...checkInvitations(state, settings.inviteEmail),
    ...checkMove(state),
  ];
}
