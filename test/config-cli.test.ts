/**
 * `calsync config` through the built binary (run `npm run build`
 * first; `npm test` does), with a private config dir and a clean environment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/calsync.js', import.meta.url));

let dir: string;
let configFile: string;
beforeAll(() => {
  if (!existsSync(fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url)))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calsync-cli-'));
  configFile = join(dir, 'config.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function calsync(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, CALSYNC_CONFIG_DIR: dir, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('calsync config show: effective values that come from elsewhere', () => {
  it('shows the shared account falling back to the invited calendar, and a generated webhook token as a file', () => {
    writeFileSync(join(dir, 'webhook-token'), 'generated-token-0123456789abcdef\n', { mode: 0o600 });
    const r = calsync(['config', 'show', '--json'], { CALSYNC_INVITE_EMAIL: 'family@example.com' });
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as Record<string, { value: unknown; source: string }>;
    expect(shown.sharedCalendarAccount).toMatchObject({ value: 'family@example.com', source: 'default' });
    expect(shown.webhookToken).toMatchObject({ value: '[redacted]', source: 'file' });
    expect(r.stdout).not.toContain('generated-token-0123456789abcdef');
  });
});

describe('calsync config show', () => {
  const secretEnv = {
    CALSYNC_SENDGRID_API_KEY: 'SG.cli-secret-key-1',
    UPTIME_KUMA_PUSH_URL: 'https://kuma.example.com/api/push/clisecret22',
    CALSYNC_WEBHOOK_TOKEN: 'cli-webhook-token-3',
    CALSYNC_WEBHOOK_URL: 'https://hooks.example.com',
  };

  it('prints every setting with its source and secrets redacted', () => {
    const out = calsync(['config', 'show'], { ...secretEnv, SOURCE_CALENDARS: 'a@x.com' });
    expect(out.status).toBe(0);
    expect(out.stdout).not.toMatch(/cli-secret-key-1|clisecret22|cli-webhook-token-3/);
    expect(out.stdout).toMatch(/^sendgridApiKey\s+\[redacted\]\s+CALSYNC_SENDGRID_API_KEY \(environment\)$/m);
    expect(out.stdout).toMatch(/^sourceCalendars\s+a@x\.com\s+SOURCE_CALENDARS \(environment\)$/m);
    expect(out.stdout).toMatch(
      /^webhookUrl\s+https:\/\/hooks\.example\.com\/webhook\s+CALSYNC_WEBHOOK_URL \(environment\)$/m,
    );
    expect(out.stdout).toMatch(/^pollIntervalMinutes\s+5\s+default$/m);
  });

  it('says who writes mirrors: each source account where it may, else the fallback', () => {
    const out = calsync(['config', 'show'], { CALSYNC_INVITE_EMAIL: 'family@group.example.com' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(
      /mirrors on family@group\.example\.com are written by each source calendar's own account when it may write there/,
    );
    expect(out.stdout).toMatch(
      /else by the shared calendar's own address family@group\.example\.com, if it has a token/,
    );
  });

  it('prints one JSON document with --json, secrets redacted', () => {
    const out = calsync(['config', 'show', '--json'], secretEnv);
    expect(out.status).toBe(0);
    expect(out.stdout).not.toMatch(/cli-secret-key-1|clisecret22|cli-webhook-token-3/);
    const doc = JSON.parse(out.stdout) as Record<string, { value: unknown; source: string }>;
    expect(doc.sendgridApiKey).toMatchObject({ value: '[redacted]', source: 'environment' });
    expect(doc.uptimeKumaPushUrl).toMatchObject({ value: '[redacted]', source: 'environment' });
    expect(doc.healthchecksUrl).toMatchObject({ value: null, source: 'default' });
    expect(doc.configDir).toMatchObject({ value: dir, source: 'environment' });
    expect(doc.gmailOriginal).toMatchObject({ value: 'keep', source: 'default' });
  });
});

describe('an invalid config.json', () => {
  // Every case is checked in-process in config-file.test.ts; these go through the binary end to end.
  it.each([
    ['bad JSON', '{"pollIntervalMinutes": 5,', 'line 1, column 27: not valid JSON'],
    ['a wrong type', '{"pollIntervalMinutes": "5"}', 'key "pollIntervalMinutes": must be a positive integer'],
    [
      'a secret',
      '{"sendgridApiKey": "SG.in-the-file"}',
      'key "sendgridApiKey": secrets are not read from config.json',
    ],
  ])(
    'with %s makes config show exit 2 naming file and key, and is left unchanged',
    (_name, content, message) => {
      writeFileSync(configFile, content);
      const before = statSync(configFile).mtimeMs;
      const out = calsync(['config', 'show']);
      expect(out.status).toBe(2);
      expect(out.stderr.split('\n')[0]).toContain(`calsync: ${configFile}: ${message}`);
      expect(out.stderr).not.toContain('SG.in-the-file');
      expect(out.stdout).toBe('');
      expect(readFileSync(configFile, 'utf8')).toBe(content);
      expect(statSync(configFile).mtimeMs).toBe(before);
    },
  );
});

describe('calsync config set and unset', () => {
  it('writes a value that config show then reports from config.json, and unset removes it', () => {
    const set = calsync(['config', 'set', 'pollIntervalMinutes', '10', '--json']);
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      file: configFile,
      key: 'pollIntervalMinutes',
      value: 10,
      changed: true,
      note: expect.stringContaining('calsync systemd install') as unknown,
    });
    const doc = JSON.parse(calsync(['config', 'show', '--json']).stdout) as Record<
      string,
      { value: unknown; source: string }
    >;
    expect(doc.pollIntervalMinutes).toMatchObject({ value: 10, source: 'config.json' });
    const unset = calsync(['config', 'unset', 'pollIntervalMinutes']);
    expect(unset.status).toBe(0);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({});
  });

  it('exits 2 on an unknown key, listing the valid keys', () => {
    const out = calsync(['config', 'set', 'pollInterval', '5']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('unknown key "pollInterval"');
    expect(out.stderr).toContain('valid keys: sourceCalendars, inviteEmail');
  });

  it('exits 2 on a secret, never echoing it', () => {
    const out = calsync(['config', 'set', 'sendgridApiKey', 'SG.do-not-store']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('sendgridApiKey is a secret');
    expect(out.stderr).not.toContain('SG.do-not-store');
    expect(existsSync(configFile)).toBe(false);
  });

  it('warns when the environment overrides the value just set', () => {
    const out = calsync(['config', 'set', 'lookbackDays', '3'], { POLL_INTERVAL_MINUTES: '3' });
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    const overridden = calsync(['config', 'set', 'pollIntervalMinutes', '10'], {
      POLL_INTERVAL_MINUTES: '3',
    });
    expect(overridden.status).toBe(0);
    expect(overridden.stderr).toContain(
      'pollIntervalMinutes is also set by the environment (POLL_INTERVAL_MINUTES)',
    );
  });
});

describe('calsync config path', () => {
  it('prints the config dir and its files', () => {
    const out = calsync(['config', 'path', '--json']);
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      profile: null,
      configRoot: dir,
      configDir: dir,
      configFile,
      stateFile: join(dir, 'state.json'),
      tokensDir: join(dir, 'tokens'),
    });
  });
});

describe('calsync config set: what a value means, said when it is set', () => {
  it('refuses an inviteEmail that is no address (exit 2), saying where to find the right one, and writes nothing', () => {
    const r = calsync(['config', 'set', 'inviteEmail', 'notanemail']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('key "inviteEmail": must be the shared calendar\'s address');
    expect(r.stderr).toContain('"Integrate calendar"');
    expect(r.stderr).toContain('(got "notanemail")');
    expect(existsSync(configFile)).toBe(false);
    const ok = calsync(['config', 'set', 'inviteEmail', 'family@group.calendar.google.com']);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('refuses the same from the environment, naming the variable', () => {
    const r = calsync(['poll', '--dry-run'], {
      CALSYNC_INVITE_EMAIL: 'family',
      CALSYNC_SOURCE_CALENDARS: 'alice@example.test',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CALSYNC_INVITE_EMAIL');
    expect(r.stderr).toContain("must be the shared calendar's address");
  });

  it('pollIntervalMinutes: says the installed timers keep their interval until systemd install runs again', () => {
    const r = calsync(['config', 'set', 'pollIntervalMinutes', '10']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('pollIntervalMinutes = 10');
    expect(r.stdout).toContain(
      'note: systemd timers already installed keep their interval until you run: calsync systemd install',
    );
    const json = calsync(['config', 'set', 'pollIntervalMinutes', '15', '--json']);
    expect((JSON.parse(json.stdout) as { note?: string }).note).toContain('calsync systemd install');
  });
});
