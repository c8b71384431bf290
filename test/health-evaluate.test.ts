import { describe, expect, it } from 'vitest';
import { composeAlertMail, decideTransition } from '../src/health/alert.js';
import {
  accountsInUse,
  checkChannels,
  checkConfigured,
  checkMirrorAccess,
  checkNeedsAuth,
  checkPolls,
  evaluateState,
  type HealthSettings,
} from '../src/health/evaluate.js';
import { buildReport, renderPluginOutput } from '../src/health/report.js';
import { worstStatus } from '../src/health/status.js';
import type { HealthStatus } from '../src/health/types.js';
import type { HealthState } from '../src/state/index.js';
import { isoAgo, stateWith } from './health-helpers.js';

const now = new Date('2026-03-01T12:00:00Z');
const settings: HealthSettings = {
  sourceCalendars: ['a@example.com'],
  pollIntervalMinutes: 5,
  webhookUrl: undefined,
  // As in any real config: without one, every poll stops (CRITICAL, test/health-shared-calendar.test.ts).
  inviteEmail: 'family@group.calendar.test',
};

describe('poll freshness', () => {
  // 5-minute interval: WARNING from 900 s (3 intervals), CRITICAL from 1800 s (6).
  it.each([
    { name: 'a fresh poll is OK', age: 240, status: 'OK' },
    { name: 'just under three intervals is OK', age: 899, status: 'OK' },
    { name: 'three intervals is a WARNING', age: 900, status: 'WARNING' },
    { name: 'just under six intervals is a WARNING', age: 1799, status: 'WARNING' },
    { name: 'six intervals is CRITICAL', age: 1800, status: 'CRITICAL' },
  ])('$name', ({ age, status }) => {
    const state = stateWith((s) => (s.calendars['a@example.com'] = { lastSuccessAt: isoAgo(now, age) }));
    const [result] = checkPolls(state, settings, now);
    expect(result?.status).toBe(status);
    expect(result?.message).toContain(`${age}s ago`);
  });

  it('a calendar that never had a successful poll is a WARNING that says so', () => {
    const [result] = checkPolls(
      stateWith(() => undefined),
      settings,
      now,
    );
    expect(result).toMatchObject({ status: 'WARNING', message: 'a@example.com: no successful poll yet' });
    expect(result?.fix).toContain('calsync poll');
  });

  it('the last error of the calendar is part of the message', () => {
    const state = stateWith(
      (s) =>
        (s.calendars['a@example.com'] = { lastSuccessAt: isoAgo(now, 4000), lastError: 'quota exceeded' }),
    );
    expect(checkPolls(state, settings, now)[0]?.message).toContain('last error: quota exceeded');
  });

  it('thresholds follow the poll interval', () => {
    const state = stateWith((s) => (s.calendars['a@example.com'] = { lastSuccessAt: isoAgo(now, 1000) }));
    expect(checkPolls(state, { ...settings, pollIntervalMinutes: 10 }, now)[0]?.status).toBe('OK');
  });
});

describe('accounts that need authorization', () => {
  it('an account marked needsAuth is CRITICAL with the auth command', () => {
    const state = stateWith(
      (s) =>
        (s.accounts['a@example.com'] = {
          needsAuth: { since: '2026-02-28T00:00:00Z', reason: 'invalid_grant' },
        }),
    );
    const [result] = checkNeedsAuth(state);
    expect(result).toMatchObject({ kind: 'auth', status: 'CRITICAL' });
    expect(result?.message).toContain('since 2026-02-28T00:00:00Z');
    expect(result?.fix).toBe('run: calsync auth a@example.com --client-secrets <client_secret.json>');
  });

  it('the mark of an account the settings no longer use (a calendar removed) is not a problem', () => {
    const state = stateWith(
      (s) =>
        (s.accounts['ghost@example.com'] = {
          needsAuth: { since: '2026-02-28T00:00:00Z', reason: 'invalid_grant' },
        }),
    );
    expect(evaluateState(state, settings, now).filter((r) => r.kind === 'auth')).toEqual([]);
    expect(
      checkNeedsAuth(state, accountsInUse({ ...settings, sourceCalendars: ['ghost@example.com'] })),
    ).toHaveLength(1);
  });

  it('a delegated account has no sign-in: its mark points to auth --list, which names the admin fix', () => {
    const state = stateWith(
      (s) =>
        (s.accounts['a@team.test'] = {
          needsAuth: { since: '2026-02-28T00:00:00Z', reason: 'unauthorized_client' },
        }),
    );
    const delegated = { ...settings, serviceAccountKey: '{}', delegatedDomains: ['team.test'] };
    const [result] = checkNeedsAuth(state, undefined, delegated);
    expect(result?.fix).toBe('run: calsync auth --list (it names what the Workspace admin must do)');
  });

  it('an account without the mark gives no result', () => {
    expect(checkNeedsAuth(stateWith((s) => (s.accounts['a@example.com'] = {})))).toEqual([]);
  });
});

describe('watch channels', () => {
  const withWebhook = { ...settings, webhookUrl: 'https://hooks.example.com/webhook' };
  const channel = (hoursLeft: number) => ({
    id: 'c',
    resourceId: 'r',
    expiration: now.getTime() + hoursLeft * 3_600_000,
    address: 'x',
    createdAt: 'y',
  });

  it.each([
    { name: 'a channel with days left is OK', hours: 72, status: 'OK', text: 'push channel until' },
    { name: 'a channel ending within 24 h is a WARNING', hours: 5, status: 'WARNING', text: 'expires in 5h' },
    { name: 'an expired channel is a WARNING', hours: -1, status: 'WARNING', text: 'expired' },
  ])('$name', ({ hours, status, text }) => {
    const state = stateWith((s) => (s.channels['a@example.com'] = channel(hours)));
    const [result] = checkChannels(state, withWebhook, now);
    expect(result?.status).toBe(status);
    expect(result?.message).toContain(text);
  });

  it('a missing channel is a WARNING that says to run watch', () => {
    expect(
      checkChannels(
        stateWith(() => undefined),
        withWebhook,
        now,
      )[0],
    ).toMatchObject({ status: 'WARNING', fix: 'run: calsync watch' });
  });

  it('channels are not checked without a webhook URL', () => {
    expect(
      checkChannels(
        stateWith(() => undefined),
        settings,
        now,
      ),
    ).toEqual([]);
  });
});

describe('mirrors no account may write', () => {
  it('a calendar whose mirrors were skipped for lack of a writer is a WARNING naming both fixes', () => {
    const state = stateWith((s) => {
      s.calendars['a@example.com'] = {
        mirrorsSkipped: {
          count: 3,
          since: isoAgo(now, 60),
          reason: 'no account may write the shared calendar f@g',
        },
      };
    });
    const [result, ...rest] = checkMirrorAccess(state, { ...settings, inviteEmail: 'f@g' });
    expect(rest).toEqual([]);
    expect(result?.status).toBe('WARNING');
    expect(result?.message).toMatch(/a@example\.com: 3 mirrors skipped since .* \(no account may write/);
    expect(result?.fix).toMatch(/give a@example\.com "Make changes to events" on f@g/);
    expect(result?.fix).toMatch(/calsync config set sharedCalendarAccount/);
    expect(evaluateState(state, settings, now).some((r) => r.kind === 'mirror')).toBe(true);
  });

  it('no skipped mirrors, or a calendar no longer polled, is no result', () => {
    expect(
      checkMirrorAccess(
        stateWith(() => undefined),
        settings,
      ),
    ).toEqual([]);
    const elsewhere = stateWith((s) => {
      s.calendars['gone@example.com'] = { mirrorsSkipped: { count: 1, since: isoAgo(now, 60), reason: 'x' } };
    });
    expect(checkMirrorAccess(elsewhere, settings)).toEqual([]);
  });
});

describe('combining results', () => {
  it.each<{ statuses: HealthStatus[]; worst: HealthStatus }>([
    { statuses: [], worst: 'OK' },
    { statuses: ['OK', 'WARNING'], worst: 'WARNING' },
    { statuses: ['WARNING', 'UNKNOWN'], worst: 'UNKNOWN' },
    { statuses: ['UNKNOWN', 'CRITICAL', 'WARNING'], worst: 'CRITICAL' },
  ])('the worst of $statuses is $worst', ({ statuses, worst }) => {
    expect(worstStatus(statuses.map((status) => ({ status })))).toBe(worst);
  });

  it('no source calendars is UNKNOWN', () => {
    expect(checkConfigured({ ...settings, sourceCalendars: [] })[0]?.status).toBe('UNKNOWN');
  });

  it('the plugin line carries the status, summary and perfdata with the thresholds', () => {
    const two = { ...settings, sourceCalendars: ['a@example.com', 'b@example.com'] };
    const state = stateWith((s) => {
      s.calendars['a@example.com'] = { lastSuccessAt: isoAgo(now, 100) };
      s.calendars['b@example.com'] = { lastSuccessAt: isoAgo(now, 240) };
    });
    const out = renderPluginOutput(buildReport(evaluateState(state, two, now), state, two, now));
    expect(out).toBe(
      "CALSYNC OK - 2 calendars synced, last poll 240s ago | 'last_poll_age'=240s;900;1800;0 'calendars'=2;;;0 'problems'=0;;;0\n",
    );
  });

  it('problems follow the status line, worst first, each with its fix', () => {
    const state = stateWith((s) => {
      s.calendars['a@example.com'] = { lastSuccessAt: isoAgo(now, 1000) };
      s.accounts['a@example.com'] = { needsAuth: { since: '2026-02-28T00:00:00Z', reason: 'invalid_grant' } };
    });
    const lines = renderPluginOutput(buildReport(evaluateState(state, settings, now), state, settings, now))
      .trimEnd()
      .split('\n');
    expect(lines[0]).toMatch(/^CALSYNC CRITICAL - 2 problems, first: a@example.com: needs authorization/);
    expect(lines[1]).toMatch(/^CRITICAL: .*\(run: calsync auth a@example.com --client-secrets/);
    expect(lines[2]).toMatch(/^WARNING: a@example.com: last successful poll 1000s ago/);
  });

  it('an undetermined poll age is U in the perfdata', () => {
    const state = stateWith(() => undefined);
    expect(
      renderPluginOutput(buildReport(evaluateState(state, settings, now), state, settings, now)),
    ).toContain("'last_poll_age'=U;900;1800;0");
  });
});

describe('alert transitions', () => {
  const at = (status: HealthStatus, alertedStatus?: HealthStatus): HealthState => ({
    status,
    since: '2026-03-01T00:00:00Z',
    ...(alertedStatus ? { alertedStatus } : {}),
  });

  it.each<{
    name: string;
    prev: HealthState | undefined;
    status: HealthStatus;
    mail: 'problem' | 'recovery' | undefined;
    sinceKept: boolean;
  }>([
    { name: 'first run, OK: no mail', prev: undefined, status: 'OK', mail: undefined, sinceKept: false },
    {
      name: 'OK turns WARNING: a problem mail',
      prev: at('OK'),
      status: 'WARNING',
      mail: 'problem',
      sinceKept: false,
    },
    {
      name: 'still WARNING after the mail: none',
      prev: at('WARNING', 'WARNING'),
      status: 'WARNING',
      mail: undefined,
      sinceKept: true,
    },
    {
      name: 'WARNING turns CRITICAL: another problem mail',
      prev: at('WARNING', 'WARNING'),
      status: 'CRITICAL',
      mail: 'problem',
      sinceKept: false,
    },
    {
      name: 'back to OK after an alert: a recovery mail',
      prev: at('CRITICAL', 'CRITICAL'),
      status: 'OK',
      mail: 'recovery',
      sinceKept: false,
    },
    {
      name: 'still OK after the recovery mail: none',
      prev: at('OK', 'OK'),
      status: 'OK',
      mail: undefined,
      sinceKept: true,
    },
    {
      name: 'a WARNING whose mail failed is mailed by the next run',
      prev: at('WARNING'),
      status: 'WARNING',
      mail: 'problem',
      sinceKept: true,
    },
    { name: 'UNKNOWN never mails', prev: at('OK'), status: 'UNKNOWN', mail: undefined, sinceKept: false },
    {
      name: 'OK after a WARNING nobody was told about: no recovery mail',
      prev: at('WARNING'),
      status: 'OK',
      mail: undefined,
      sinceKept: false,
    },
  ])('$name', ({ prev, status, mail, sinceKept }) => {
    const t = decideTransition(prev, status, now, true);
    expect(t.mail).toBe(mail);
    expect(t.next.status).toBe(status);
    expect(t.next.since).toBe(sinceKept ? '2026-03-01T00:00:00Z' : now.toISOString());
  });

  it('with alerts off the status is recorded and no mail is owed', () => {
    const t = decideTransition(undefined, 'CRITICAL', now, false);
    expect(t).toEqual({ next: { status: 'CRITICAL', since: now.toISOString() }, mail: undefined });
  });

  it('the problem mail says what is wrong, since when, and the fixing command', () => {
    const state = stateWith(
      (s) =>
        (s.accounts['a@example.com'] = {
          needsAuth: { since: '2026-02-28T00:00:00Z', reason: 'invalid_grant' },
        }),
    );
    const report = buildReport(evaluateState(state, settings, now), state, settings, now);
    const mail = composeAlertMail('problem', report, '2026-03-01T11:00:00.000Z', 'host1');
    expect(mail.subject).toMatch(/^\[calsync\] CRITICAL on host1: /);
    expect(mail.text).toContain('CRITICAL since 2026-03-01T11:00:00.000Z');
    expect(mail.text).toContain('run: calsync auth a@example.com --client-secrets <client_secret.json>');
  });
});
