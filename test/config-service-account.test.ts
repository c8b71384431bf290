import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountCredentials, isDelegatedAccount, loadSettings } from '../src/config/index.js';
import { ConfigError } from '../src/errors.js';
import { redact } from '../src/util/log.js';

const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 1024 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const KEY = {
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'abc123abc123',
  private_key: PRIVATE_KEY,
  client_email: 'calsync@p.iam.gserviceaccount.com',
  client_id: '123456789012345678901',
};
const KEY_TEXT = JSON.stringify(KEY);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calsync-sa-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(env: Record<string, string>, file?: Record<string, unknown>) {
  if (file) writeFileSync(join(dir, 'config.json'), JSON.stringify(file));
  return loadSettings({ env: { CALSYNC_CONFIG_DIR: dir, ...env } });
}

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('service account settings', () => {
  it('takes the key inline, lower-cases the domains, and redacts every line of the private key', () => {
    const loaded = load({
      CALSYNC_SERVICE_ACCOUNT_KEY: KEY_TEXT,
      CALSYNC_DELEGATED_DOMAINS: 'Team.Test, @corp.test',
    });
    expect(loaded.sources.serviceAccountKey).toBe('environment');
    expect(loaded.settings.delegatedDomains).toEqual(['team.test', 'corp.test']);
    const line = PRIVATE_KEY.split('\n')[3] ?? '';
    expect(redact(`oops ${line}`)).toBe('oops [redacted]');
    expect(redact(JSON.stringify({ k: PRIVATE_KEY }))).not.toContain(line);
  });

  it('reads the key from a systemd credential', () => {
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'CALSYNC_SERVICE_ACCOUNT_KEY'), KEY_TEXT);
    const loaded = load({ CREDENTIALS_DIRECTORY: creds, CALSYNC_DELEGATED_DOMAINS: 'team.test' });
    expect(loaded.sources.serviceAccountKey).toBe('credential');
  });

  it('a relative serviceAccountKeyFile is read from the config dir, 0600 enforced', () => {
    writeFileSync(join(dir, 'sa.json'), KEY_TEXT, { mode: 0o600 });
    const loaded = load({}, { serviceAccountKeyFile: 'sa.json', delegatedDomains: ['team.test'] });
    expect(loaded.settings.serviceAccountKey).toBe(KEY_TEXT);
    chmodSync(join(dir, 'sa.json'), 0o640);
    const err = caught(() => load({}));
    expect(err.hint).toBe(`run: chmod 600 ${join(dir, 'sa.json')}`);
  });

  it('a key that is not a service account key is refused without repeating it', () => {
    const user = JSON.stringify({ type: 'authorized_user', private_key: PRIVATE_KEY });
    const err = caught(() =>
      load({ CALSYNC_SERVICE_ACCOUNT_KEY: user, CALSYNC_DELEGATED_DOMAINS: 'team.test' }),
    );
    expect(err.message).toContain('CALSYNC_SERVICE_ACCOUNT_KEY');
    expect(err.message).toContain('"type" must be "service_account"');
    const noId = JSON.stringify({ ...KEY, client_id: undefined });
    const err2 = caught(() =>
      load({ CALSYNC_SERVICE_ACCOUNT_KEY: noId, CALSYNC_DELEGATED_DOMAINS: 'team.test' }),
    );
    expect(err2.message).toContain('lacks "client_id"');
    expect(err2.message).not.toContain('PRIVATE KEY');
  });

  it('a key without delegatedDomains, or domains without a key, is a configuration error with its fix', () => {
    expect(caught(() => load({ CALSYNC_SERVICE_ACCOUNT_KEY: KEY_TEXT })).hint).toContain(
      'calsync config set delegatedDomains',
    );
    expect(caught(() => load({ CALSYNC_DELEGATED_DOMAINS: 'team.test' })).hint).toContain(
      'serviceAccountKeyFile',
    );
    expect(caught(() => load({ CALSYNC_DELEGATED_DOMAINS: 'not a domain' })).message).toContain(
      'is not a domain',
    );
  });

  it('the hint names the domains of the source accounts that have no token file', () => {
    mkdirSync(join(dir, 'tokens'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'tokens', 'sam@home.test.json'), '{}', { mode: 0o600 });
    const err = caught(() =>
      load({
        CALSYNC_SERVICE_ACCOUNT_KEY: KEY_TEXT,
        CALSYNC_SOURCE_CALENDARS: 'ana@team.test,bo@Corp.TEST,cy@team.test,pat@gmail.com,sam@home.test',
      }),
    );
    expect(err.hint).toContain('run: calsync config set delegatedDomains team.test,corp.test (');
    expect(err.hint).not.toContain('example.com');
  });

  it('impersonates exactly the accounts of the delegated domains, whatever the case', () => {
    const { settings } = load({
      CALSYNC_SERVICE_ACCOUNT_KEY: KEY_TEXT,
      CALSYNC_DELEGATED_DOMAINS: 'team.test',
      CALSYNC_SOURCE_CALENDARS: 'Alice@Team.TEST,pat@gmail.com',
      CALSYNC_INVITE_EMAIL: 'family@group.calendar.google.com',
    });
    expect(isDelegatedAccount(settings, 'bob@team.test')).toBe(true);
    expect(isDelegatedAccount(settings, 'bob@sub.team.test')).toBe(false);
    expect(accountCredentials(settings)).toEqual({
      'Alice@Team.TEST': 'service account',
      'pat@gmail.com': 'token file',
      'family@group.calendar.google.com': 'token file',
    });
  });
});
