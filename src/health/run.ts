import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isDelegatedAccount } from '../config/delegation.js';
import type { Settings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { sendAlertMail, sendgridConfigured } from '../notify/sendgrid.js';
import { readState, statePath, withStateLock } from '../state/index.js';
import type { HealthState, State } from '../state/types.js';
import { composeAlertMail, decideTransition, markAlerted, sameHealth, type AlertKind } from './alert.js';
import { readPollConfigFailure } from '../state/poll-failure.js';
import { checkConfigured, checkPollConfig, evaluateState } from './evaluate.js';
import {
  fallbackLeftOver,
  fallbackMemory,
  readFallbackHealth,
  stateMemory,
  type HealthMemory,
} from './memory.js';
import { checkUrl } from './probes.js';
import { buildReport, type HealthReport } from './report.js';
import type { CheckResult } from './types.js';

export interface HealthCheckOptions {
  settings: Settings;
  now?: Date;
  /** serve-webhook's /health URL to probe. */
  url?: string;
  /** Skip every network check (token refreshes); --url still runs when given. */
  offline?: boolean;
  /** false with --no-alert: check and record the status, mail nobody. */
  alert?: boolean;
}

export interface AlertOutcome {
  kind: AlertKind;
  sent: boolean;
  error?: string;
}

export interface HealthCheckOutcome {
  report: HealthReport;
  /** The status and since as persisted (undefined when the state could not be read or written). */
  health: HealthState | undefined;
  alert: AlertOutcome | undefined;
  /** Why the status could not be recorded, if it could not. */
  recordError?: string;
}

/** Waiting longer than this for a poll that holds the lock would make the check itself time out. */
const LOCK_WAIT_MS = 60_000;

/** Runs every check, records the status in the state, and mails on a transition. */
export async function runHealthCheck(opts: HealthCheckOptions): Promise<HealthCheckOutcome> {
  const now = opts.now ?? new Date();
  const { settings } = opts;
  let state: State | undefined;
  const results: CheckResult[] = [];
  const pollFailure = await readPollConfigFailure(settings.configDir);
  try {
    state = await readState(settings.configDir);
    results.push(...evaluateState(state, settings, now, pollFailure));
  } catch (err) {
    results.push(
      ...checkConfigured(settings),
      ...checkPollConfig(pollFailure),
      stateUnreadable(settings.configDir, err),
    );
  }
  if (!opts.offline) results.push(...mergeAuthResults(results, await tokenResults(settings), settings));
  if (opts.url) results.push(await checkUrl(opts.url));
  const report = buildReport(results, state, settings, now);
  // Nothing to record into before anything was set up; a check never creates the config dir.
  if (!existsSync(settings.configDir)) return { report, health: undefined, alert: undefined };
  const { configDir } = settings;
  try {
    // A memory kept while the state could not be read is the newer one; a
    // readable state takes it over (so that memory must be written now).
    const fallback = await readFallbackHealth(configDir);
    const memory = state ? () => stateMemory(configDir) : () => Promise.resolve(fallbackMemory(configDir));
    const seen = fallback ?? state?.health;
    const recorded = await recordAndAlert(
      settings,
      report,
      { seen, memory, mustWrite: state !== undefined && fallbackLeftOver(configDir) },
      now,
      opts.alert !== false,
    );
    return { report, ...recorded };
  } catch (err) {
    return { report, health: undefined, alert: undefined, recordError: errorMessage(err) };
  }
}

function stateUnreadable(configDir: string, err: unknown): CheckResult {
  const path = statePath(configDir);
  return {
    kind: 'state',
    subject: path,
    status: 'CRITICAL',
    message: `state file unreadable: ${errorMessage(err)}`,
    fix: `check: ls -l ${path} (owned by the user calsync runs as, mode 600)`,
  };
}

/** Token refreshes; a check that cannot run at all is UNKNOWN, not a crash of the whole health-check. */
async function tokenResults(settings: Settings): Promise<CheckResult[]> {
  try {
    // Loaded only when used: the Google client library is slow to import.
    const { checkTokens } = await import('./tokens.js');
    return await checkTokens(settings);
  } catch (err) {
    return [
      {
        kind: 'token',
        subject: 'tokens',
        status: 'UNKNOWN',
        message: `token check could not run: ${errorMessage(err)}`,
      },
    ];
  }
}

/**
 * Reconciles the poll's needsAuth marks (in `results`, changed in place) with
 * the token refreshes just made, and returns the token results to add. A
 * token that refreshes now means the account was re-authorised since the
 * mark: the mark is dropped. A token that fails for a marked account is
 * already reported by the mark (which says since when): not twice. A
 * delegated account's failure replaces its mark instead (it carries the fix).
 */
function mergeAuthResults(results: CheckResult[], tokens: CheckResult[], settings: Settings): CheckResult[] {
  // A delegated account's live answer names the admin's fix, which the mark cannot: it replaces the mark.
  const replacesMark = new Set(
    tokens
      .filter((t) => t.status === 'OK' || (t.status !== 'WARNING' && isDelegatedAccount(settings, t.subject)))
      .map((t) => t.subject),
  );
  for (let i = results.length - 1; i >= 0; i--) {
    const r = results[i];
    if (r?.kind === 'auth' && replacesMark.has(r.subject)) results.splice(i, 1);
  }
  const marked = new Set(results.filter((r) => r.kind === 'auth').map((r) => r.subject));
  return tokens.filter((t) => t.status === 'OK' || !marked.has(t.subject));
}

interface Memory {
  /** What the unlocked read saw. */
  seen: HealthState | undefined;
  /** The memory to decide on and write to, opened under the lock. */
  memory: () => Promise<HealthMemory>;
  /** Write even when nothing changed (a fallback memory to take over). */
  mustWrite: boolean;
}

/**
 * Persists the health status and sends the mail a transition owes. The cheap
 * path (nothing changed) takes no lock and writes nothing. Otherwise the
 * decision is taken again under the lock, on the memory as it is then, so two
 * health-checks running at once send one mail, not two.
 */
async function recordAndAlert(
  settings: Settings,
  report: HealthReport,
  { seen, memory, mustWrite }: Memory,
  now: Date,
  alertWanted: boolean,
): Promise<Pick<HealthCheckOutcome, 'health' | 'alert'>> {
  const alertsEnabled = alertWanted && sendgridConfigured(settings);
  const first = decideTransition(seen, report.status, now, alertsEnabled);
  if (!mustWrite && !first.mail && sameHealth(seen, first.next))
    return { health: first.next, alert: undefined };

  return withStateLock(
    settings.configDir,
    async () => {
      const health = await memory();
      const t = decideTransition(await health.read(), report.status, now, alertsEnabled);
      await health.write(t.next);
      if (!t.mail) return { health: t.next, alert: undefined };
      const mail = composeAlertMail(t.mail, report, t.next.since, hostname());
      try {
        await sendAlertMail(settings, mail);
      } catch (err) {
        // Not marked as alerted: the next run tries again.
        return { health: t.next, alert: { kind: t.mail, sent: false, error: errorMessage(err) } };
      }
      const alerted = markAlerted(t.next);
      await health.write(alerted);
      return { health: alerted, alert: { kind: t.mail, sent: true } };
    },
    { waitMs: LOCK_WAIT_MS },
  );
}
