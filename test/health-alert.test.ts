import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../src/state/index.js';
import {
  assertBuilt,
  fakeServer,
  isoAgo,
  runCalsync,
  sandbox,
  stateWith,
  writeState,
  type FakeServer,
  type Sandbox,
} from './health-helpers.js';

const CAL = 'alice@example.com';
const KEY = 'SG.test-key-0123456789abcdef';

let sendgrid: FakeServer;
beforeAll(async () => {
  assertBuilt();
  sendgrid = await fakeServer();
});
afterAll(async () => {
  await sendgrid.close();
});

function env(): Record<string, string> {
  return {
    CALSYNC_SOURCE_CALENDARS: CAL,
    // As any real config has: without one, health is CRITICAL at once (test/health-shared-calendar.test.ts).
    CALSYNC_INVITE_EMAIL: 'family@group.calendar.test',
    CALSYNC_SENDGRID_API_KEY: KEY,
    CALSYNC_SENDGRID_API_ROOT: sendgrid.url,
    CALSYNC_ALERT_FROM: 'calsync@example.com',
    CALSYNC_ALERT_TO: 'ops@example.com,oncall@example.com',
  };
}

interface MailBody {
  from: { email: string };
  subject: string;
  personalizations: Array<{ to: Array<{ email: string }> }>;
  content: Array<{ type: string; value: string }>;
}

/** Keeps state.health (the alert memory) and sets only the calendar's last success. */
async function setLastSuccess(box: Sandbox, secondsAgo: number): Promise<void> {
  const state = await readState(box.configDir);
  state.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), secondsAgo) };
  await writeState(box.configDir, state);
}

describe('alert mails from health-check', () => {
  it('mails exactly once on the turn to CRITICAL and once on recovery, with the v3 body and bearer key', async () => {
    const box = await sandbox();
    const mails: MailBody[] = [];
    sendgrid.requests.length = 0;
    sendgrid.answer = (req) => {
      if (
        req.method === 'POST' &&
        req.url === '/v3/mail/send' &&
        req.headers.authorization === `Bearer ${KEY}`
      ) {
        mails.push(JSON.parse(req.body) as MailBody);
        return { status: 202 };
      }
      return { status: 401, body: '{"errors":[{"message":"bad request"}]}' };
    };
    try {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const ok = await runCalsync(['health-check', '--offline'], box, env());
      expect(ok.code).toBe(0);
      expect(mails).toHaveLength(0);

      await setLastSuccess(box, 7200);
      const bad = await runCalsync(['health-check', '--offline'], box, env());
      expect(bad.code).toBe(2);
      expect(mails).toHaveLength(1);
      // The text output says it mailed, and to whom; a run that mails nobody says nothing of it.
      expect(bad.stdout).toContain('alert mailed (problem) to ops@example.com, oncall@example.com\n');
      expect(ok.stdout).not.toContain('alert mailed');
      const mail = mails[0];
      expect(mail?.from).toEqual({ email: 'calsync@example.com' });
      expect(mail?.personalizations[0]?.to).toEqual([
        { email: 'ops@example.com' },
        { email: 'oncall@example.com' },
      ]);
      expect(mail?.subject).toMatch(/^\[calsync\] CRITICAL on .+: alice@example.com: last successful poll/);
      expect(mail?.content[0]?.type).toBe('text/plain');
      expect(mail?.content[0]?.value).toMatch(/is CRITICAL since \d{4}-\d\d-\d\dT/);
      expect(mail?.content[0]?.value).toContain('run: calsync poll --calendar alice@example.com');

      const still = await runCalsync(['health-check', '--offline'], box, env());
      expect(still.code).toBe(2);
      expect(mails).toHaveLength(1);
      expect(still.stdout).not.toContain('alert mailed');

      await setLastSuccess(box, 30);
      const recovered = await runCalsync(['health-check', '--offline'], box, env());
      expect(recovered.code).toBe(0);
      expect(mails).toHaveLength(2);
      expect(mails[1]?.subject).toMatch(/^\[calsync\] OK again on /);
      expect(recovered.stdout).toContain('alert mailed (recovery) to ops@example.com');

      const quiet = await runCalsync(['health-check', '--offline'], box, env());
      expect(quiet.code).toBe(0);
      expect(mails).toHaveLength(2);
      expect(sendgrid.requests).toHaveLength(2);
    } finally {
      await box.cleanup();
    }
  }, 120_000);

  it('a state file no poll can repair (from a newer calsync) is mailed once, and so is its recovery', async () => {
    const box = await sandbox();
    const mails: MailBody[] = [];
    sendgrid.requests.length = 0;
    sendgrid.answer = (req) => {
      mails.push(JSON.parse(req.body) as MailBody);
      return { status: 202 };
    };
    try {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const good = await readFile(join(box.configDir, 'state.json'), 'utf8');
      await writeFile(join(box.configDir, 'state.json'), JSON.stringify({ version: 999 }), { mode: 0o600 });
      const broken = await runCalsync(['health-check', '--offline'], box, env());
      expect(broken.code).toBe(2);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toMatch(/^\[calsync\] CRITICAL on .+: .*state file unreadable/);
      expect(mails[0]?.content[0]?.value).toContain('newer calsync');
      expect(existsSync(join(box.configDir, 'health.json'))).toBe(true);

      const still = await runCalsync(['health-check', '--offline'], box, env());
      expect(still.code).toBe(2);
      expect(mails).toHaveLength(1);
      expect(still.stdout).not.toContain('alert mailed');
      expect(await readFile(join(box.configDir, 'state.json'), 'utf8')).toBe(
        JSON.stringify({ version: 999 }),
      );

      await writeFile(join(box.configDir, 'state.json'), good, { mode: 0o600 });
      const repaired = await runCalsync(['health-check', '--offline'], box, env());
      expect(repaired.code).toBe(0);
      expect(mails).toHaveLength(2);
      expect(mails[1]?.subject).toMatch(/^\[calsync\] OK again on /);
      expect(existsSync(join(box.configDir, 'health.json'))).toBe(false);
      expect((await readState(box.configDir)).health).toMatchObject({ status: 'OK', alertedStatus: 'OK' });
    } finally {
      await box.cleanup();
    }
  }, 60_000);

  it('a health.json left over that does not parse is removed once the state can be read', async () => {
    const box = await sandbox();
    try {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      await writeFile(join(box.configDir, 'health.json'), 'garbage', { mode: 0o600 });
      const r = await runCalsync(['health-check', '--offline', '--no-alert'], box, env());
      expect(r.code).toBe(0);
      expect(existsSync(join(box.configDir, 'health.json'))).toBe(false);
      expect((await readState(box.configDir)).health?.status).toBe('OK');
    } finally {
      await box.cleanup();
    }
  }, 60_000);

  it('a SendGrid failure is reported on stderr, keeps the exit code, and the next run sends the mail', async () => {
    const box = await sandbox();
    sendgrid.requests.length = 0;
    sendgrid.answer = () => ({
      status: 400,
      body: '{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from"}]}',
      headers: { 'content-type': 'application/json' },
    });
    try {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 7200) })),
      );
      const failed = await runCalsync(['health-check', '--offline'], box, env());
      expect(failed.code).toBe(2);
      expect(failed.firstLine).toMatch(/^CALSYNC CRITICAL - /);
      expect(failed.stderr).toContain(
        'alert mail not sent: SendGrid did not accept the alert mail: HTTP 400: The from address does not match a verified Sender Identity.',
      );
      expect(failed.stderr).not.toContain(KEY);

      sendgrid.answer = () => ({ status: 202 });
      const retried = await runCalsync(['health-check', '--offline'], box, env());
      expect(retried.code).toBe(2);
      expect(sendgrid.requests).toHaveLength(2);
      expect(retried.stderr).toBe('');
    } finally {
      await box.cleanup();
    }
  }, 60_000);

  it('--no-alert checks without mailing', async () => {
    const box = await sandbox();
    sendgrid.requests.length = 0;
    sendgrid.answer = () => ({ status: 202 });
    try {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 7200) })),
      );
      const r = await runCalsync(['health-check', '--offline', '--no-alert'], box, env());
      expect(r.code).toBe(2);
      expect(sendgrid.requests).toHaveLength(0);
    } finally {
      await box.cleanup();
    }
  }, 60_000);
});
