import { checkPollConfig, checkPolls, checkSharedCalendar } from '../health/evaluate.js';
import type { PollConfigFailure } from '../state/poll-failure.js';
import type { HealthSettings } from '../health/evaluate.js';
import type { CheckResult } from '../health/types.js';
import type { State } from '../state/index.js';

export interface HealthAnswer {
  status: 200 | 503;
  body: { status: 'ok' | 'fail'; checks: CheckResult[] };
}

/**
 * `/health`: ok while the last poll of every source calendar succeeded within
 * 3 poll intervals (the health-check's WARNING threshold), and no poll stops
 * on its configuration (a timer's poll beside the server) or would (no shared
 * calendar, or a source calendar as the shared one); the same checks as health-check's. The failing ones say which calendar is behind and how to fix it.
 */
export function healthAnswer(
  state: State,
  settings: HealthSettings,
  now: Date,
  pollConfigFailure?: PollConfigFailure,
): HealthAnswer {
  const checks = [...checkPollConfig(pollConfigFailure), ...checkPolls(state, settings, now)];
  // The shared calendar as health-check and `calsync status` judge it: the three answers agree.
  if (settings.sourceCalendars.length > 0) checks.push(...checkSharedCalendar(settings));
  if (settings.sourceCalendars.length === 0) {
    checks.push({
      kind: 'config',
      subject: 'sourceCalendars',
      status: 'CRITICAL',
      message: 'no source calendars are set',
      fix: 'run: calsync config set sourceCalendars you@gmail.com,partner@gmail.com',
    });
  }
  const ok = checks.every((c) => c.status === 'OK');
  return ok
    ? { status: 200, body: { status: 'ok', checks } }
    : { status: 503, body: { status: 'fail', checks } };
}
