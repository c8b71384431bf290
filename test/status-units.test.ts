import { describe, expect, it } from 'vitest';
import { ago, renderStatus } from '../src/cli/status.js';
import { buildOverview } from '../src/health/overview.js';
import { EventTable } from '../src/state/index.js';
import { parseTimerLines } from '../src/systemd/timers.js';
import { isoAgo, stateWith } from './health-helpers.js';

const now = new Date('2026-03-01T12:00:00Z');
const CAL = 'a@example.com';
const settings = {
  sourceCalendars: [CAL],
  pollIntervalMinutes: 5,
  webhookUrl: undefined,
  inviteEmail: 'family@group.calendar.test',
  calendarAccounts: {},
};

describe('status, pure parts', () => {
  it("reads systemctl's timer lines that name calsync's units, and nothing else", () => {
    const text = [
      'Mon 2026-03-02 12:05:00 UTC 4min left Mon 2026-03-02 12:00:00 UTC 55s ago calsync-poll.timer calsync-poll.service',
      'Tue 2026-03-03 00:00:00 UTC 11h left -   -   logrotate.timer logrotate.service',
      'n/a n/a n/a n/a calsync-watch@work.timer calsync-watch@work.service',
    ].join('\n');
    expect(parseTimerLines(text).map((t) => t.unit)).toEqual([
      'calsync-poll.timer',
      'calsync-watch@work.timer',
    ]);
  });

  it('counts what waits (deferred, failed, parked) and what is shared, by kind', () => {
    const state = stateWith((s) => {
      s.calendars[CAL] = { lastSuccessAt: isoAgo(now, 60), lastPollAt: isoAgo(now, 60) };
      s.events[CAL] = EventTable.of({
        e1: { action: 'invite', at: 1, rule: 'invite' },
        e2: { action: 'mirror', at: 1, rule: 'mirror', copyCalendar: 'x', copyId: 'c2' },
        e3: { action: 'pending', at: 1, failure: { reason: 'deferred', at: 1, attempts: 0 } },
        e4: { action: 'pending', at: 1, failure: { reason: 'invalid', at: 1, attempts: 1 } },
        e5: {
          action: 'pending',
          at: 1,
          failure: { reason: 'invalid', at: 1, attempts: 3 },
          parked: { title: 'T' },
        },
        e6: {
          action: 'mirror',
          at: 1,
          rule: 'mirror',
          copyCalendar: 'x',
          copyId: 'c6',
          copyUnconfirmed: true,
        },
      });
    });
    const o = buildOverview({
      state,
      settings,
      now,
      pollConfigFailure: undefined,
      hasTokenFile: () => true,
      timers: null,
    });
    expect(o.calendars[0]?.waiting).toEqual({ deferred: 1, failed: 1, parked: 1 });
    expect(o.calendars[0]?.shared).toEqual({ invite: 1, mirror: 1 });
    // The parked event is a problem of its own, with its fix.
    expect(o.exitCode).toBe(1);
    expect(o.problems.map((p) => p.kind)).toEqual(['parked']);
    expect(renderStatus(o)).toContain('fix: fix the event in Google Calendar');
  });

  it('says how long ago as a person would', () => {
    expect([ago(5), ago(600), ago(3 * 3600), ago(5 * 86_400)]).toEqual(['5 s', '10 min', '3 h', '5 d']);
  });
});
