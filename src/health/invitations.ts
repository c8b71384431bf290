/**
 * Invitations calsync sent the shared calendar that its listing did not show
 * (sync/delivery.ts): WARNING with the two ways out. Google adds invitations
 * only per the invited calendar's "Add invitations to my calendar" setting.
 */
import type { State } from '../state/types.js';
import type { CheckResult } from './types.js';

export const INVITATION_FIX =
  'in the shared calendar\'s settings set "Add invitations to my calendar: From everyone", or run: calsync config set organizedEvents mirror, then: calsync poll --full-resync';

/** One result per source calendar with undelivered invitations; one OK when there are none. */
export function checkInvitations(state: State, inviteEmail: string | undefined): CheckResult[] {
  const shared = inviteEmail ?? 'the shared calendar';
  const results: CheckResult[] = [];
  for (const [calendar, table] of Object.entries(state.events)) {
    const missing = table.idsWithDelivery(['missing']);
    if (missing.length === 0) continue;
    results.push({
      kind: 'delivery',
      subject: calendar,
      status: 'WARNING',
      message: `${calendar}: ${missing.length} invitation${missing.length === 1 ? '' : 's'} never reached ${shared} (e.g. event ${missing[0]})`,
      fix: INVITATION_FIX,
    });
  }
  return results;
}
