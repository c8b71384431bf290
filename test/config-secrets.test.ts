import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, redactedSettings } from '../src/config/index.js';
import { ConfigError } from '../src/errors.js';
import { redact } from '../src/util/log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calsync-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string, mode = 0o600): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

function load(env: Record<string, string>) {
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

describe('secrets', () => {
  it('reads a secret from <NAME>_FILE, trimming the trailing newline', () => {
    const file = secretFile('sendgrid', 'SG.from-a-file-123\n');
    const loaded = load({ CALSYNC_SENDGRID_API_KEY_FILE: file });
    expect(loaded.settings.sendgridApiKey).toBe('SG.from-a-file-123');
    expect(loaded.sources.sendgridApiKey).toBe('file');
  });

  it('reads the seed name with _FILE too', () => {
    const file = secretFile('kuma', 'https://kuma.example.com/api/push/seedtoken99\n');
    expect(load({ UPTIME_KUMA_PUSH_URL_FILE: file }).settings.uptimeKumaPushUrl).toBe(
      'https://kuma.example.com/api/push/seedtoken99',
    );
  });

  it('reads a systemd credential from $CREDENTIALS_DIRECTORY', () => {
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'CALSYNC_WEBHOOK_TOKEN'), 'credential-token-value\n', { mode: 0o400 });
    writeFileSync(join(creds, 'SENDGRID_API_KEY'), 'SG.seed-credential', { mode: 0o400 });
    const loaded = load({ CREDENTIALS_DIRECTORY: creds });
    expect(loaded.settings.webhookToken).toBe('credential-token-value');
    expect(loaded.sources.webhookToken).toBe('credential');
    expect(loaded.settings.sendgridApiKey).toBe('SG.seed-credential');
  });

  it('prefers the variable itself over its _FILE and over a credential', () => {
    const creds = join(dir, 'creds');
    mkdirSync(creds);
    writeFileSync(join(creds, 'CALSYNC_WEBHOOK_TOKEN'), 'credential-token-value', { mode: 0o400 });
    const file = secretFile('token', 'file-token-value');
    expect(
      load({ CREDENTIALS_DIRECTORY: creds, CALSYNC_WEBHOOK_TOKEN_FILE: file }).settings.webhookToken,
    ).toBe('file-token-value');
    const loaded = load({
      CREDENTIALS_DIRECTORY: creds,
      CALSYNC_WEBHOOK_TOKEN_FILE: file,
      CALSYNC_WEBHOOK_TOKEN: 'env-token-value',
    });
    expect(loaded.settings.webhookToken).toBe('env-token-value');
    expect(loaded.sources.webhookToken).toBe('environment');
  });

  it('refuses a secret file readable by group or others, with the chmod hint', () => {
    const file = secretFile('open', 'SG.world-readable', 0o644);
    const err = caught(() => load({ CALSYNC_SENDGRID_API_KEY_FILE: file }));
    expect(err.message).toBe(`${file} is readable by group or others`);
    expect(err.hint).toBe(`run: chmod 600 ${file}`);
    expect(err.exitCode).toBe(2);
  });

  it('names the variable when a secret file is missing or empty', () => {
    expect(caught(() => load({ CALSYNC_WEBHOOK_TOKEN_FILE: join(dir, 'nope') })).message).toMatch(
      /^CALSYNC_WEBHOOK_TOKEN_FILE: cannot read /,
    );
    const empty = secretFile('empty', '\n');
    expect(caught(() => load({ CALSYNC_WEBHOOK_TOKEN_FILE: empty })).message).toContain('is empty');
  });

  it('registers every secret with the logger as soon as it is loaded', () => {
    const file = secretFile('hc', 'https://hc-ping.example.com/5d1e6c1a-test-uuid\n');
    load({ CALSYNC_HEALTHCHECKS_URL_FILE: file, CALSYNC_SENDGRID_API_KEY: 'SG.registered-key' });
    expect(redact('key SG.registered-key')).toBe('key [redacted]');
    expect(redact('GET /5d1e6c1a-test-uuid')).not.toContain('5d1e6c1a-test-uuid');
    expect(redact('GET /5d1e6c1a-test-uuid')).toContain('[redacted]');
  });

  it('redacts the ping key of a healthchecks.io slug URL but not the slug, an ordinary word', () => {
    load({ CALSYNC_HEALTHCHECKS_URL: 'https://hc-ping.example.com/pingKeyAbCdEf0123456789/calsync' });
    expect(redact('ping pingKeyAbCdEf0123456789 failed')).toBe('ping [redacted] failed');
    expect(redact('run: calsync poll')).toBe('run: calsync poll');
  });

  it('never repeats a malformed secret in the error', () => {
    const err = caught(() => load({ CALSYNC_UPTIME_KUMA_PUSH_URL: 'kuma-secret-not-a-url' }));
    expect(err.message).toBe('CALSYNC_UPTIME_KUMA_PUSH_URL: must be an http(s) URL');
  });

  it('redacts set secrets and shows the webhook URL as is', () => {
    const shown = redactedSettings(
      load({
        CALSYNC_SENDGRID_API_KEY: 'SG.redact-me-please',
        CALSYNC_WEBHOOK_URL: 'https://h.example.com/webhook',
      }),
    );
    expect(shown.sendgridApiKey).toMatchObject({ value: '[redacted]', source: 'environment' });
    expect(shown.webhookToken).toMatchObject({ value: null, source: 'default' });
    expect(shown.webhookUrl).toMatchObject({ value: 'https://h.example.com/webhook', source: 'environment' });
  });
});
