/**
 * A Workspace team on one service account with domain-wide delegation,
 * through the built binary: three domain users polled with no token file
 * each, a personal account beside them on its own token, and every failure
 * naming what the admin must do.
 */
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, samples, type Emulator, type ServiceAccountKeyJson } from '../src/emulator/index.js';
import { cliEnv, type CliEnv } from './helpers/cli.js';
import { at, attendeeCount } from './helpers/world.js';

const DOMAIN = 'team.test';
const TEAM = [`alice@${DOMAIN}`, `bob@${DOMAIN}`, `carol@${DOMAIN}`];
const PERSONAL = 'pat@personal.test';
const SHARED = 'family@group.calendar.test';
const SCOPE = 'https://www.googleapis.com/auth/calendar';

let emu: Emulator;
let cli: CliEnv;
let key: ServiceAccountKeyJson;
let keyFile: string;

beforeEach(async () => {
  emu = await startEmulator({ quotaPerMinute: null });
  for (const a of [...TEAM, PERSONAL, SHARED]) emu.addAccount(a);
  emu.addCalendar(SHARED, { owner: SHARED, writers: [...TEAM, PERSONAL], summary: 'Team' });
  key = emu.issueServiceAccountKey({ name: 'calsync', project: 'team-project' });
  emu.grantDomainDelegation(DOMAIN, key.client_id);
  cli = cliEnv(emu, {
    CALSYNC_SOURCE_CALENDARS: [...TEAM, PERSONAL].join(','),
    CALSYNC_INVITE_EMAIL: SHARED,
  });
  keyFile = join(cli.dir, 'service-account.json');
  writeFileSync(keyFile, JSON.stringify(key, null, 2), { mode: 0o600 });
  writeFileSync(
    join(cli.dir, 'config.json'),
    JSON.stringify({ serviceAccountKeyFile: keyFile, delegatedDomains: [DOMAIN] }),
  );
  // Only the personal account (and the shared calendar's) signed in with `calsync auth`.
  cli.writeToken(PERSONAL, emu.authorizedUser(PERSONAL));
  cli.writeToken(SHARED, emu.authorizedUser(SHARED));
  for (const a of [...TEAM, PERSONAL])
    emu.seedEvent(a, samples.meeting({ summary: `Plan ${a}`, start: at(2, 9), end: at(2, 10) }));
});

afterEach(async () => {
  await emu.close();
  cli.cleanup();
});

function invited(account: string, summary: string): number {
  const event = emu.listEvents(account).find((e) => e.summary === summary);
  return attendeeCount(event, SHARED);
}

describe('service account with domain-wide delegation (built binary)', () => {
  it('polls three domain users with no token file each, and the personal account on its token', async () => {
    const res = await cli.run(['poll', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    for (const a of [...TEAM, PERSONAL]) expect(invited(a, `Plan ${a}`), a).toBe(1);
    for (const a of TEAM) expect(existsSync(join(cli.dir, 'tokens', `${a}.json`))).toBe(false);
    // One jwt-bearer grant per domain user, none for the personal account.
    const grants = emu.requests.filter(
      (r) =>
        r.path === '/token' &&
        (r.body as Record<string, string> | undefined)?.grant_type?.includes('jwt-bearer'),
    );
    expect(grants.map((r) => r.account).sort()).toEqual([...TEAM].sort());
  });

  it('config show and auth --list say which account uses which credential', async () => {
    const show = await cli.run(['config', 'show', '--json']);
    expect(show.code).toBe(0);
    const doc = JSON.parse(show.stdout) as Record<string, { value: unknown; source: string }>;
    expect(doc.serviceAccountKey).toEqual({
      value: '[redacted]',
      source: 'file',
      from: 'serviceAccountKeyFile',
    });
    expect(doc.delegatedDomains?.value).toEqual([DOMAIN]);
    expect(doc.accounts?.value).toEqual({
      ...Object.fromEntries(TEAM.map((a) => [a, 'service account'])),
      [PERSONAL]: 'token file',
      [SHARED]: 'token file',
    });
    const text = await cli.run(['config', 'show']);
    expect(text.stdout).toMatch(new RegExp(`alice@team\\.test\\s+service account`));
    expect(text.stdout).toMatch(new RegExp(`pat@personal\\.test\\s+token file`));

    const list = await cli.run(['auth', '--list', '--json']);
    expect(list.code).toBe(0);
    const rows = (JSON.parse(list.stdout) as { accounts: Array<Record<string, unknown>> }).accounts;
    expect(rows.filter((r) => r.credential === 'service account').map((r) => [r.account, r.status])).toEqual(
      TEAM.map((a) => [a, 'ok']),
    );
    expect(rows.find((r) => r.account === PERSONAL)).toMatchObject({ status: 'ok' });
  });

  it('delegation revoked: health-check is CRITICAL at once; when the tokens expire the poll names the fix; the personal account is still polled', async () => {
    expect((await cli.run(['poll'])).code).toBe(0);
    emu.revokeDomainDelegation(DOMAIN, key.client_id);
    const fix = `add client ID ${key.client_id} with scope ${SCOPE}`;
    // The access tokens cached by the poll still work (Google does not revoke issued tokens):
    // health-check asks the token endpoint, so it sees the revoked grant at once.
    const health = await cli.run(['health-check']);
    expect(health.code).toBe(2);
    expect(health.stdout).toMatch(/^CALSYNC CRITICAL - /);
    expect(health.stdout).toContain(fix);

    // An hour later the cached tokens have expired; the grant is asked for anew and refused.
    emu.expireAccessTokens();
    emu.seedEvent(PERSONAL, samples.meeting({ summary: 'After', start: at(3, 9), end: at(3, 10) }));
    emu.seedEvent(TEAM[0] ?? '', samples.meeting({ summary: 'Lost', start: at(3, 9), end: at(3, 10) }));
    const poll = await cli.run(['poll']);
    expect(poll.code).toBe(1);
    expect(invited(PERSONAL, 'After')).toBe(1);
    expect(invited(TEAM[0] ?? '', 'Lost')).toBe(0);
    // The error on stderr, with its fix in the poll's summary.
    expect(poll.stderr).toContain('unauthorized_client');
    expect(poll.stdout).toContain('Domain-wide delegation');
    expect(poll.stdout).toContain(fix);

    const list = await cli.run(['auth', '--list']);
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(/alice@team\.test\s+\(service account\)\s+refused: .*unauthorized_client/);
    expect(list.stdout).toContain(fix);
  });

  it('the next poll uses the access tokens the first one got: no grant while they are valid, one after a 401', async () => {
    expect((await cli.run(['poll'])).code).toBe(0);
    for (const a of TEAM) {
      const cache = join(cli.dir, 'tokens', `${a}.access.json`);
      expect(statSync(cache).mode & 0o777, a).toBe(0o600);
    }
    const grantsAfter = (from: number): string[] =>
      emu.requests
        .slice(from)
        .filter((r) => r.path === '/token')
        .map((r) => r.account ?? '');

    let from = emu.requests.length;
    emu.seedEvent(TEAM[0] ?? '', samples.meeting({ summary: 'Next', start: at(3, 9), end: at(3, 10) }));
    expect((await cli.run(['poll'])).code).toBe(0);
    expect(grantsAfter(from)).toEqual([]);
    expect(invited(TEAM[0] ?? '', 'Next')).toBe(1);

    // Google refuses bob's token (401): one new grant for bob, retried, and the poll succeeds.
    emu.expireAccessTokens(TEAM[1]);
    emu.seedEvent(TEAM[1] ?? '', samples.meeting({ summary: 'Again', start: at(3, 9), end: at(3, 10) }));
    from = emu.requests.length;
    expect((await cli.run(['poll'])).code).toBe(0);
    expect(grantsAfter(from)).toEqual([TEAM[1]]);
    expect(invited(TEAM[1] ?? '', 'Again')).toBe(1);
  });

  it('a deleted key: every failure says to make a new key', async () => {
    emu.deleteServiceAccountKey(key.private_key_id);
    const poll = await cli.run(['poll']);
    expect(poll.code).toBe(1);
    expect(poll.stderr).toContain(`the service account key ${key.private_key_id} of ${key.client_email}`);
    expect(poll.stderr).toContain('Invalid JWT Signature');
    expect(poll.stdout).toContain(`create a new JSON key`);
    expect(poll.stdout).toContain(`then replace ${keyFile}`);
    expect(invited(PERSONAL, `Plan ${PERSONAL}`)).toBe(1);
  });

  it('a suspended user: the error says the user is not active, the others are polled', async () => {
    emu.suspendUser(TEAM[1] ?? '');
    const poll = await cli.run(['poll']);
    expect(poll.code).toBe(1);
    expect(poll.stderr).toContain(`${TEAM[1] ?? ''} is not an active user of ${DOMAIN}`);
    expect(invited(TEAM[0] ?? '', `Plan ${TEAM[0] ?? ''}`)).toBe(1);
    expect(invited(TEAM[2] ?? '', `Plan ${TEAM[2] ?? ''}`)).toBe(1);
  });

  it('a key file readable by others is refused with the chmod fix, in config.json and _FILE form', async () => {
    chmodSync(keyFile, 0o644);
    const viaConfig = await cli.run(['poll']);
    expect(viaConfig.code).toBe(2);
    expect(viaConfig.stderr).toContain(`${keyFile} is readable by group or others`);
    expect(viaConfig.stderr).toContain(`chmod 600 ${keyFile}`);
    writeFileSync(join(cli.dir, 'config.json'), JSON.stringify({ delegatedDomains: [DOMAIN] }));
    const viaEnv = await cli.run(['health-check'], { CALSYNC_SERVICE_ACCOUNT_KEY_FILE: keyFile });
    expect(viaEnv.stderr + viaEnv.stdout).toContain(`chmod 600 ${keyFile}`);
    expect(emu.requests.filter((r) => r.path === '/token')).toEqual([]);
  });

  it('calsync auth for a delegated account is refused: no sign-in is needed', async () => {
    const secrets = join(cli.dir, 'client_secret.json');
    writeFileSync(secrets, JSON.stringify({ installed: { client_id: 'x', client_secret: 'y' } }));
    const res = await cli.run(['auth', TEAM[0] ?? '', '--client-secrets', secrets, '--no-browser']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('the service account acts as it, no sign-in needed');
  });

  it('a key without delegatedDomains is a configuration error naming the setting; config set sets both', async () => {
    writeFileSync(join(cli.dir, 'config.json'), '{}');
    const first = await cli.run(['config', 'set', 'serviceAccountKeyFile', 'service-account.json']);
    expect(first.code).toBe(0);
    const res = await cli.run(['poll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('calsync config set delegatedDomains');
    expect((await cli.run(['config', 'set', 'delegatedDomains', DOMAIN])).code).toBe(0);
    expect((await cli.run(['poll'])).code).toBe(0);
    expect(invited(TEAM[0] ?? '', `Plan ${TEAM[0] ?? ''}`)).toBe(1);
  });
});
