import { describe, expect, it } from 'vitest';
import { checkPollConfig, checkPolls, storedErrorText, type HealthSettings } from '../src/health/evaluate.js';
import { healthAnswer } from '../src/server/health.js';
import { isoAgo, stateWith } from './health-helpers.js';

const now = new Date('2026-03-01T12:00:00Z');
const CAL = 'a@example.com';
const settings: HealthSettings = {
  sourceCalendars: [CAL],
  pollIntervalMinutes: 5,
  webhookUrl: undefined,
  // As in any real config: without one, every poll stops (CRITICAL, test/health-shared-calendar.test.ts).
  inviteEmail: 'family@group.calendar.test',
};

describe("the last poll's result", () => {
  it('a failed last poll after a fresh success is a WARNING naming the error and since when', () => {
    const state = stateWith(
      (s) =>
        (s.calendars[CAL] = {
          lastSuccessAt: isoAgo(now, 600),
          lastPollAt: isoAgo(now, 60),
          lastError: 'network error: connect ECONNREFUSED',
          failingSince: isoAgo(now, 300),
        }),
    );
    const [r] = checkPolls(state, settings, now);
    expect(r?.status).toBe('WARNING');
    expect(r?.message).toBe(
      `${CAL}: last poll failed 60s ago: network error: connect ECONNREFUSED (failing since ${isoAgo(now, 300)}; last success 600s ago)`,
    );
    expect(r?.fix).toContain(`calsync poll --calendar ${CAL} --verbose`);
  });

  it('an older state without failingSince says it started after the last success', () => {
    const state = stateWith(
      (s) =>
        (s.calendars[CAL] = { lastSuccessAt: isoAgo(now, 600), lastPollAt: isoAgo(now, 60), lastError: 'x' }),
    );
    expect(checkPolls(state, settings, now)[0]?.message).toContain(`failing since after ${isoAgo(now, 600)}`);
  });

  it('a stale success stays CRITICAL, with the last error', () => {
    const state = stateWith(
      (s) =>
        (s.calendars[CAL] = {
          lastSuccessAt: isoAgo(now, 4000),
          lastPollAt: isoAgo(now, 60),
          lastError: 'boom',
        }),
    );
    const [r] = checkPolls(state, settings, now);
    expect(r?.status).toBe('CRITICAL');
    expect(r?.message).toContain('(last error: boom)');
  });

  it('a stored error never shows a URL query or userinfo', () => {
    expect(
      storedErrorText(
        'request to https://user:pw@oauth2.googleapis.com/revoke?token=1%2F%2Fabc failed; see http://h/x#frag',
      ),
    ).toBe('request to https://oauth2.googleapis.com/revoke?… failed; see http://h/x?…');
    expect(storedErrorText('no url here')).toBe('no url here');
  });

  it('a configuration that stops every poll is CRITICAL with its fix', () => {
    const [r] = checkPollConfig({
      since: '2026-03-01T11:00:00.000Z',
      at: '2026-03-01T11:55:00.000Z',
      message: 'no shared calendar is configured',
      hint: 'run: calsync config set inviteEmail <address>',
    });
    expect(r).toMatchObject({
      status: 'CRITICAL',
      kind: 'config',
      fix: 'run: calsync config set inviteEmail <address>',
    });
    expect(checkPollConfig(undefined)).toEqual([]);
  });

  it("serve-webhook's /health shares the checks: 503 after a failed poll or a stopping configuration", () => {
    const fresh = stateWith(
      (s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(now, 60), lastPollAt: isoAgo(now, 60) }),
    );
    expect(healthAnswer(fresh, settings, now).status).toBe(200);
    const failed = stateWith(
      (s) =>
        (s.calendars[CAL] = {
          lastSuccessAt: isoAgo(now, 600),
          lastPollAt: isoAgo(now, 60),
          lastError: 'boom',
        }),
    );
    expect(healthAnswer(failed, settings, now).status).toBe(503);
    const stopping = healthAnswer(fresh, settings, now, {
      since: isoAgo(now, 100),
      at: isoAgo(now, 10),
      message: 'no shared calendar is configured',
    });
    expect(stopping.status).toBe(503);
    expect(stopping.body.checks[0]?.status).toBe('CRITICAL');
  });
});
