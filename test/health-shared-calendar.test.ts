/**
 * The shared calendar (inviteEmail) unset, or one of the source calendars:
 * CRITICAL at once, with the fix, in each of the three answers that share
 * the evaluation (health-check, `calsync status`, serve-webhook's /health).
 */
import { describe, expect, it } from 'vitest';
import { sharedCalendarProblem, sourceCalendarAsShared } from '../src/config/shared-calendar.js';
import { checkConfigured, evaluateState, type HealthSettings } from '../src/health/evaluate.js';
import { buildOverview } from '../src/health/overview.js';
import { worstStatus } from '../src/health/status.js';
import { healthAnswer } from '../src/server/health.js';
import { isoAgo, stateWith } from './health-helpers.js';

const now = new Date('2026-03-01T12:00:00Z');
const ALICE = 'alice@example.com';
const WORK = 'work123@group.calendar.google.com';
const SHARED = 'family@group.calendar.google.com';
const good: HealthSettings = {
  sourceCalendars: [ALICE, WORK],
  pollIntervalMinutes: 5,
  webhookUrl: undefined,
  inviteEmail: SHARED,
  calendarAccounts: { [WORK]: ALICE },
};
// Every calendar polled a minute ago: nothing but the shared calendar can be wrong.
const fresh = stateWith((s) => {
  for (const c of [ALICE, WORK])
    s.calendars[c] = { lastSuccessAt: isoAgo(now, 60), lastPollAt: isoAgo(now, 60) };
});

/** The three answers, as status words. */
function answers(settings: HealthSettings) {
  const checks = evaluateState(fresh, settings, now);
  const status = buildOverview({
    state: fresh,
    settings: { ...settings, calendarAccounts: settings.calendarAccounts ?? {} },
    now,
    pollConfigFailure: undefined,
    hasTokenFile: () => true,
    timers: null,
  });
  const web = healthAnswer(fresh, settings, now);
  return { checks, health: worstStatus(checks), status, web };
}

describe('the shared calendar in the health answers', () => {
  it('a good setting is OK in all three', () => {
    const { health, status, web } = answers(good);
    expect(health).toBe('OK');
    expect(status.status).toBe('OK');
    expect(web.status).toBe(200);
  });

  it('no shared calendar: CRITICAL at once in all three, naming the setting and its fix', () => {
    const { checks, health, status, web } = answers({ ...good, inviteEmail: undefined });
    expect(health).toBe('CRITICAL');
    const problem = checks.find((c) => c.subject === 'inviteEmail');
    expect(problem).toMatchObject({ kind: 'config', status: 'CRITICAL' });
    expect(problem?.message).toContain('no shared calendar');
    expect(problem?.fix).toContain('calsync config set inviteEmail <address>');
    expect(status).toMatchObject({ status: 'CRITICAL', exitCode: 1 });
    expect(status.problems[0]).toEqual(problem);
    expect(web.status).toBe(503);
    expect(web.body.checks).toContainEqual(problem);
  });

  it.each([
    { name: 'a secondary calendar that is also a source', shared: WORK, source: WORK },
    { name: "a source account's primary calendar", shared: ALICE, source: ALICE },
    { name: 'a source calendar written in other case', shared: 'Alice@Example.com', source: ALICE },
  ])('the shared calendar is $name: CRITICAL in all three, with the fix', ({ shared, source }) => {
    const { checks, health, status, web } = answers({ ...good, inviteEmail: shared });
    expect(health).toBe('CRITICAL');
    const problem = checks.find((c) => c.subject === 'inviteEmail');
    expect(problem?.status).toBe('CRITICAL');
    expect(problem?.message).toContain(`also a source calendar (sourceCalendars lists ${source})`);
    expect(problem?.fix).toContain('not polled as a source');
    expect(problem?.fix).toContain('calsync config set inviteEmail');
    expect(status.status).toBe('CRITICAL');
    expect(status.problems).toContainEqual(problem);
    expect(web.status).toBe(503);
    expect(web.body.checks).toContainEqual(problem);
  });

  it('nothing configured at all stays UNKNOWN (nothing can be checked), not CRITICAL', () => {
    expect(
      checkConfigured({ ...good, sourceCalendars: [], inviteEmail: undefined }).map((c) => c.status),
    ).toEqual(['UNKNOWN']);
  });
});

describe('sourceCalendarAsShared', () => {
  it('names the source calendar the shared calendar is, compared without case', () => {
    expect(sourceCalendarAsShared({ sourceCalendars: [ALICE, WORK], inviteEmail: WORK })).toBe(WORK);
    expect(sourceCalendarAsShared({ sourceCalendars: [ALICE], inviteEmail: ' ALICE@example.com' })).toBe(
      ALICE,
    );
  });

  it("an account's primary calendar that is not polled (only a secondary of it is) is a calendar of its own", () => {
    expect(sourceCalendarAsShared({ sourceCalendars: [WORK], inviteEmail: ALICE })).toBeUndefined();
    expect(sharedCalendarProblem({ sourceCalendars: [WORK], inviteEmail: ALICE })).toBeUndefined();
  });

  it('no shared calendar is not this problem (it has its own)', () => {
    expect(sharedCalendarProblem({ sourceCalendars: [ALICE], inviteEmail: undefined })).toBeUndefined();
  });
});
