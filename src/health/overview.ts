/**
 * `calsync status`: what a person needs to know on one screen, built from the
 * same state, trace and checks as health-check (evaluateState), read only, no
 * network. Pure: the caller reads the state, the poll-failure trace, the token
 * files and the timers; cli/status.ts renders the result.
 */
import { isDelegatedAccount } from '../config/delegation.js';
import type { PollConfigFailure } from '../state/poll-failure.js';
import type { CalendarSyncState, State } from '../state/types.js';
import { isParked } from '../sync/parking.js';
import {
  authFix,
  evaluateState,
  failingSince,
  lastPollAgeSeconds,
  lastPollFailed,
  lastSuccessAgeSeconds,
  storedErrorText,
  type HealthSettings,
} from './evaluate.js';
import { problemsOf, worstStatus } from './status.js';
import type { CheckResult, HealthStatus } from './types.js';

/** Where an account's credentials stand, as far as files and the state tell (no refresh: `health-check` does that). */
export type TokenState =
  | { state: 'token file' }
  | { state: 'service account' }
  | { state: 'missing' }
  | { state: 'needs sign-in'; since: string; reason: string };

export interface CalendarOverview {
  calendarId: string;
  account: string;
  lastPoll: {
    at: string | null;
    ageSeconds: number | null;
    result: 'ok' | 'failed' | 'never';
    error: string | null;
    failingSince: string | null;
  };
  lastSuccess: { at: string; ageSeconds: number } | null;
  /** Entries still to do: deferred (write budget, limits, a stop), failed (retried next poll), parked (see explain). */
  waiting: { deferred: number; failed: number; parked: number };
  undeliveredInvitations: number;
  mirrorsSkipped: { count: number; since: string; reason: string } | null;
  /**
   * What calsync keeps for this calendar, by kind (invite, mirror, birthday,
   * gmail, occurrence, and whatever later rules add, e.g. busy blocks): read
   * from the state's entries, so a new rule shows up here without a change.
   */
  shared: Record<string, number>;
  /**
   * The last poll's counts, as the poll reported them (changes, done,
   * skipped…, and any counter a later version adds, e.g. filtered events);
   * null before a poll that recorded them.
   */
  lastPollCounts: Record<string, number> | null;
  channel: { expiresAt: string; hoursLeft: number } | null;
  token: TokenState;
}

export interface TimerOverview {
  unit: string;
  /** systemctl's line for it (next, left, last, passed), as it printed it. */
  line: string;
}

export interface StatusOverview {
  status: HealthStatus;
  /** 0 all well, 1 something to look at. */
  exitCode: 0 | 1;
  calendars: CalendarOverview[];
  shared: { calendarId: string | null; account: string | null; token: TokenState | null };
  /** null where systemd's user timers could not be listed (no systemctl, no user manager). */
  timers: TimerOverview[] | null;
  pollConfigFailure: PollConfigFailure | null;
  /** Each with the command that fixes it; the most urgent first. */
  problems: CheckResult[];
}

export interface OverviewInput {
  state: State;
  settings: HealthSettings & { calendarAccounts: Record<string, string> };
  now: Date;
  pollConfigFailure: PollConfigFailure | undefined;
  /** Whether an account has a token file. */
  hasTokenFile: (account: string) => boolean;
  timers: TimerOverview[] | null;
}

const accountOf = (input: OverviewInput, calendarId: string) =>
  input.settings.calendarAccounts[calendarId] ?? calendarId;

export function buildOverview(input: OverviewInput): StatusOverview {
  const { state, settings, now } = input;
  const checks = [...evaluateState(state, settings, now, input.pollConfigFailure), ...tokenChecks(input)];
  const status = worstStatus(checks);
  const sharedAccount = settings.sharedCalendarAccount ?? settings.inviteEmail;
  return {
    status,
    exitCode: status === 'OK' ? 0 : 1,
    calendars: settings.sourceCalendars.map((c) => calendarOverview(input, c)),
    shared: {
      calendarId: settings.inviteEmail ?? null,
      account: sharedAccount ?? null,
      token: sharedAccount ? tokenState(input, sharedAccount) : null,
    },
    timers: input.timers,
    pollConfigFailure: input.pollConfigFailure ?? null,
    problems: problemsOf(checks),
  };
}

function calendarOverview(input: OverviewInput, calendarId: string): CalendarOverview {
  const { state, now } = input;
  const cal: CalendarSyncState | undefined = state.calendars[calendarId];
  const failed = lastPollFailed(cal) ? cal : undefined;
  const successAge = lastSuccessAgeSeconds(cal, now);
  const channel = state.channels[calendarId];
  return {
    calendarId,
    account: accountOf(input, calendarId),
    lastPoll: {
      at: cal?.lastPollAt ?? null,
      ageSeconds: lastPollAgeSeconds(cal, now) ?? null,
      result: cal?.lastPollAt === undefined ? 'never' : failed ? 'failed' : 'ok',
      error: failed ? storedErrorText(failed.lastError) : null,
      failingSince: failed ? failingSince(failed) : null,
    },
    lastSuccess:
      cal?.lastSuccessAt && successAge !== undefined
        ? { at: cal.lastSuccessAt, ageSeconds: successAge }
        : null,
    waiting: waitingOf(state, calendarId),
    undeliveredInvitations: state.events[calendarId]?.idsWithDelivery(['missing']).length ?? 0,
    mirrorsSkipped: cal?.mirrorsSkipped?.count ? cal.mirrorsSkipped : null,
    shared: sharedOf(state, calendarId),
    lastPollCounts: cal?.lastPollCounts ?? null,
    channel: channel
      ? {
          expiresAt: new Date(channel.expiration).toISOString(),
          hoursLeft: Math.floor((channel.expiration - now.getTime()) / 3_600_000),
        }
      : null,
    token: tokenState(input, accountOf(input, calendarId)),
  };
}

/** Failure reasons that mean "left for later", not "Google refused it" (sync/record.ts). */
const DEFERRING = new Set(['deferred', 'interrupted']);

function waitingOf(state: State, calendarId: string): CalendarOverview['waiting'] {
  const table = state.events[calendarId];
  const waiting = { deferred: 0, failed: 0, parked: 0 };
  if (!table) return waiting;
  for (const id of table.pendingIds()) {
    const reason = table.get(id)?.failure?.reason;
    if (isParked(table, id)) waiting.parked++;
    else if (reason !== undefined && DEFERRING.has(reason)) waiting.deferred++;
    else waiting.failed++;
  }
  return waiting;
}

function sharedOf(state: State, calendarId: string): Record<string, number> {
  const table = state.events[calendarId];
  const counts: Record<string, number> = {};
  if (!table) return counts;
  for (const [, entry] of table.entries()) {
    // Only what is shared now: an entry with a copy (or an invitee) that is not in doubt.
    if (!entry.rule || entry.copyUnconfirmed) continue;
    if (entry.rule !== 'invite' && !entry.copyId) continue;
    counts[entry.rule] = (counts[entry.rule] ?? 0) + 1;
  }
  return counts;
}

function tokenState(input: OverviewInput, account: string): TokenState {
  const marked = input.state.accounts[account]?.needsAuth;
  if (marked) return { state: 'needs sign-in', since: marked.since, reason: marked.reason };
  if (isDelegatedAccount(input.settings, account)) return { state: 'service account' };
  return input.hasTokenFile(account) ? { state: 'token file' } : { state: 'missing' };
}

/**
 * A source account with no credentials at all: CRITICAL, as health-check's
 * live check says ("no token file"). Marks of revoked tokens come from
 * evaluateState already. The shared calendar's account needs none (a source
 * account may write its mirrors).
 */
function tokenChecks(input: OverviewInput): CheckResult[] {
  const accounts = new Set(input.settings.sourceCalendars.map((c) => accountOf(input, c)));
  return [...accounts].flatMap((account): CheckResult[] =>
    tokenState(input, account).state === 'missing'
      ? [
          {
            kind: 'token',
            subject: account,
            status: 'CRITICAL',
            message: `${account}: no token file`,
            fix: authFix(account),
          },
        ]
      : [],
  );
}
