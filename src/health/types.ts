import type { HealthStatus } from '../state/types.js';

export type { HealthStatus };

/** What one check looked at. */
export type CheckKind =
  | 'poll'
  | 'auth'
  | 'token'
  | 'channel'
  | 'url'
  | 'state'
  | 'config'
  | 'mirror'
  | 'parked'
  | 'delivery'
  | 'move';

/** The outcome of one check of one thing (a calendar, an account, a URL). */
export interface CheckResult {
  kind: CheckKind;
  /** The calendar, account or URL checked. */
  subject: string;
  status: HealthStatus;
  message: string;
  /** The command that fixes it, for the problem line and the alert mail. */
  fix?: string;
}

/** The Nagios plugin exit statuses. */
export const STATUS_EXIT_CODE: Record<HealthStatus, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };
