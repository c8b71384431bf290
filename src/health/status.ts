import type { CheckResult, HealthStatus } from './types.js';

/**
 * Severity used to combine checks. CRITICAL wins over UNKNOWN: a check that
 * could not run must not hide one that ran and found a real outage. UNKNOWN
 * wins over WARNING, as the Nagios plugin guidelines rank them.
 */
const SEVERITY: Record<HealthStatus, number> = { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 };

export function worstStatus(results: readonly Pick<CheckResult, 'status'>[]): HealthStatus {
  let worst: HealthStatus = 'OK';
  for (const r of results) if (SEVERITY[r.status] > SEVERITY[worst]) worst = r.status;
  return worst;
}

/** Problems first by severity, so the most urgent line comes first. */
export function problemsOf(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status !== 'OK').sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status]);
}
