import type { HealthState } from '../state/types.js';
import type { HealthReport } from './report.js';
import type { HealthStatus } from './types.js';

export type AlertKind = 'problem' | 'recovery';

export interface HealthTransition {
  /** What to persist as `state.health` (before any mail is sent). */
  next: HealthState;
  /** The mail this run owes, if any. */
  mail: AlertKind | undefined;
}

/**
 * Decides what to persist and whether to mail. A mail goes out when the
 * status turns WARNING or CRITICAL (or moves between them) and once when it
 * is OK again after an alert; never twice for the same status. UNKNOWN (a
 * check that could not run) neither mails nor counts as a recovery. The
 * mail is owed until `alertedStatus` records it, so a failed send is retried
 * by the next run.
 */
export function decideTransition(
  prev: HealthState | undefined,
  status: HealthStatus,
  now: Date,
  alertsEnabled: boolean,
): HealthTransition {
  const since = prev && prev.status === status ? prev.since : now.toISOString();
  const next: HealthState = {
    status,
    since,
    ...(prev?.alertedStatus ? { alertedStatus: prev.alertedStatus } : {}),
  };
  if (!alertsEnabled) return { next, mail: undefined };
  const alerted = prev?.alertedStatus ?? 'OK';
  if ((status === 'WARNING' || status === 'CRITICAL') && alerted !== status) return { next, mail: 'problem' };
  if (status === 'OK' && alerted !== 'OK') return { next, mail: 'recovery' };
  return { next, mail: undefined };
}

/** The state after the owed mail was accepted. */
export function markAlerted(health: HealthState): HealthState {
  return { ...health, alertedStatus: health.status };
}

/** True when persisting `next` would change nothing (the cheap path: no lock, no write). */
export function sameHealth(a: HealthState | undefined, b: HealthState): boolean {
  return (
    a !== undefined && a.status === b.status && a.since === b.since && a.alertedStatus === b.alertedStatus
  );
}

/** The alert mail: what is wrong, since when, and the command that fixes each problem. */
export function composeAlertMail(
  kind: AlertKind,
  report: HealthReport,
  since: string,
  host: string,
): { subject: string; text: string } {
  if (kind === 'recovery') {
    return {
      subject: `[calsync] OK again on ${host}`,
      text: [
        `calsync on ${host} is healthy again since ${since}.`,
        '',
        `CALSYNC OK - ${report.summary}`,
        '',
      ].join('\n'),
    };
  }
  const lines = [
    `calsync on ${host} is ${report.status} since ${since}.`,
    '',
    'What is wrong, and what fixes it:',
    '',
    ...report.problems.flatMap((p) => [`- ${p.status}: ${p.message}`, ...(p.fix ? [`  ${p.fix}`] : [])]),
    '',
    'Check again with: calsync health-check',
    'You get one more mail when the status changes or recovers, none while it stays the same.',
    '',
  ];
  return {
    subject: `[calsync] ${report.status} on ${host}: ${report.summary}`.slice(0, 200),
    text: lines.join('\n'),
  };
}
