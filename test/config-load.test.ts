import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configDir, loadSettings } from '../src/config/index.js';
import { ConfigError } from '../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calsync-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(content: unknown): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
}

function load(env: Record<string, string> = {}, flags = {}) {
  return loadSettings({ env: { CALSYNC_CONFIG_DIR: dir, ...env }, flags });
}

describe('config dir', () => {
  it('prefers CALSYNC_CONFIG_DIR, then XDG_CONFIG_HOME/calsync, then ~/.config/calsync', () => {
    expect(configDir({ CALSYNC_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b', HOME: '/h' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b', HOME: '/h' })).toBe('/b/calsync');
    expect(configDir({ HOME: '/h' })).toBe('/h/.config/calsync');
  });

  it('ignores a relative XDG_CONFIG_HOME as the XDG spec requires', () => {
    expect(configDir({ XDG_CONFIG_HOME: 'rel', HOME: '/h' })).toBe('/h/.config/calsync');
  });
});

describe('precedence', () => {
  it('uses defaults when nothing is set', () => {
    const { settings, sources } = load();
    expect(settings).toMatchObject({
      sourceCalendars: [],
      pollIntervalMinutes: 5,
      logLevel: 'info',
      calendarAccounts: {},
      gmailOriginal: 'keep',
      lookbackDays: 1,
      maxWritesPerPoll: 200,
      maxListPages: 1000,
      maxListedEvents: 250_000,
      quotaUnitsPerSecond: 9.5,
      requestsPerSecond: undefined,
      writeConcurrency: 8,
      googleApiRoot: 'https://www.googleapis.com/',
      googleTokenUrl: 'https://oauth2.googleapis.com/token',
      googleAuthUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      googleRevokeUrl: 'https://oauth2.googleapis.com/revoke',
      sendgridApiRoot: 'https://api.sendgrid.com',
      configDir: dir,
    });
    expect(sources.pollIntervalMinutes).toBe('default');
    expect(sources.configDir).toBe('environment');
  });

  it('lets config.json beat defaults, the environment beat config.json, and flags beat the environment', () => {
    writeConfig({ pollIntervalMinutes: 7, inviteEmail: 'file@x.com', alertFrom: 'file-from@x.com' });
    const fileOnly = load();
    expect(fileOnly.settings.pollIntervalMinutes).toBe(7);
    expect(fileOnly.sources.pollIntervalMinutes).toBe('config.json');

    const withEnv = load({ CALSYNC_POLL_INTERVAL_MINUTES: '9', CALSYNC_INVITE_EMAIL: 'env@x.com' });
    expect(withEnv.settings.pollIntervalMinutes).toBe(9);
    expect(withEnv.sources.pollIntervalMinutes).toBe('environment');
    expect(withEnv.settings.inviteEmail).toBe('env@x.com');
    expect(withEnv.settings.alertFrom).toBe('file-from@x.com');

    const withFlag = load({ CALSYNC_POLL_INTERVAL_MINUTES: '9' }, { pollIntervalMinutes: 11 });
    expect(withFlag.settings.pollIntervalMinutes).toBe(11);
    expect(withFlag.sources.pollIntervalMinutes).toBe('flag');
  });

  it('ignores flags that are undefined and environment variables that are empty', () => {
    writeConfig({ pollIntervalMinutes: 7 });
    const { settings } = load({ CALSYNC_POLL_INTERVAL_MINUTES: '  ' }, { pollIntervalMinutes: undefined });
    expect(settings.pollIntervalMinutes).toBe(7);
  });

  it('does not let one load change the defaults another load sees', () => {
    load().settings.sourceCalendars.push('mutated@x.com');
    expect(load().settings.sourceCalendars).toEqual([]);
  });
});

describe('environment values', () => {
  it('reads every seed name as an alias', () => {
    const { settings } = load({
      SOURCE_CALENDARS: 'a@x.com,b@x.com',
      INVITE_EMAIL: 'shared@x.com',
      GOOGLE_WEBHOOK_URL: 'https://hooks.example.com/cal',
      POLL_INTERVAL_MINUTES: '15',
      SENDGRID_API_KEY: 'SG.seed-key-123',
      SENDER_EMAIL: 'bot@x.com',
      TO_EMAIL: 'me@x.com, you@x.com',
      UPTIME_KUMA_PUSH_URL: 'https://kuma.example.com/api/push/abcdef123',
    });
    expect(settings).toMatchObject({
      sourceCalendars: ['a@x.com', 'b@x.com'],
      inviteEmail: 'shared@x.com',
      webhookUrl: 'https://hooks.example.com/cal',
      pollIntervalMinutes: 15,
      sendgridApiKey: 'SG.seed-key-123',
      alertFrom: 'bot@x.com',
      alertTo: ['me@x.com', 'you@x.com'],
      uptimeKumaPushUrl: 'https://kuma.example.com/api/push/abcdef123',
    });
  });

  it('lets the canonical name win over the seed alias', () => {
    const { settings } = load({
      CALSYNC_SOURCE_CALENDARS: 'canon@x.com',
      SOURCE_CALENDARS: 'seed@x.com',
      CALSYNC_POLL_INTERVAL_MINUTES: '3',
      POLL_INTERVAL_MINUTES: '30',
      CALSYNC_SENDGRID_API_KEY: 'SG.canonical-key',
      SENDGRID_API_KEY: 'SG.seed-key-123',
    });
    expect(settings.sourceCalendars).toEqual(['canon@x.com']);
    expect(settings.pollIntervalMinutes).toBe(3);
    expect(settings.sendgridApiKey).toBe('SG.canonical-key');
  });

  it('turns DEBUG_LOGGING=true into the debug level, below CALSYNC_LOG_LEVEL', () => {
    expect(load({ DEBUG_LOGGING: 'true' }).settings.logLevel).toBe('debug');
    expect(load({ DEBUG_LOGGING: 'TRUE' }).settings.logLevel).toBe('debug');
    expect(load({ DEBUG_LOGGING: 'false' }).settings.logLevel).toBe('info');
    expect(load({ DEBUG_LOGGING: 'true', CALSYNC_LOG_LEVEL: 'warn' }).settings.logLevel).toBe('warn');
  });

  it('trims values and splits comma lists, dropping empty items and duplicates', () => {
    const { settings } = load({
      CALSYNC_SOURCE_CALENDARS: ' a@x.com , ,b@x.com,,a@x.com ',
      CALSYNC_INVITE_EMAIL: '  s@x.com\n',
    });
    expect(settings.sourceCalendars).toEqual(['a@x.com', 'b@x.com']);
    expect(settings.inviteEmail).toBe('s@x.com');
  });

  it('gives a webhook URL with no path the /webhook path', () => {
    expect(load({ CALSYNC_WEBHOOK_URL: 'https://hooks.example.com' }).settings.webhookUrl).toBe(
      'https://hooks.example.com/webhook',
    );
    expect(load({ CALSYNC_WEBHOOK_URL: 'https://hooks.example.com/x/y' }).settings.webhookUrl).toBe(
      'https://hooks.example.com/x/y',
    );
  });

  it.each([
    ['CALSYNC_POLL_INTERVAL_MINUTES', '0'],
    ['CALSYNC_POLL_INTERVAL_MINUTES', 'five'],
    ['POLL_INTERVAL_MINUTES', '2.5'],
    ['CALSYNC_LOG_LEVEL', 'loud'],
    ['CALSYNC_GOOGLE_API_ROOT', 'ftp://x'],
    ['CALSYNC_WEBHOOK_URL', 'not a url'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });

  it('rejects a flag value that is not valid for its setting', () => {
    expect(() => load({}, { pollIntervalMinutes: Number.NaN })).toThrow(
      /pollIntervalMinutes: must be a positive integer/,
    );
  });
});

describe('config.json values', () => {
  it('reads the config.json-only keys', () => {
    writeConfig({
      sourceCalendars: ['cal@x.com', 'other@x.com'],
      calendarAccounts: { 'cal@x.com': 'alice@x.com' },
      sharedCalendarAccount: 'alice@x.com',
      birthdayCopyCalendar: 'birthdays@x.com',
      gmailOriginal: 'delete',
      lookbackDays: 0,
      maxWritesPerPoll: 50,
      requestsPerSecond: 2.5,
      writeConcurrency: 1,
    });
    expect(load().settings).toMatchObject({
      calendarAccounts: { 'cal@x.com': 'alice@x.com' },
      sharedCalendarAccount: 'alice@x.com',
      birthdayCopyCalendar: 'birthdays@x.com',
      gmailOriginal: 'delete',
      lookbackDays: 0,
      maxWritesPerPoll: 50,
      requestsPerSecond: 2.5,
      quotaUnitsPerSecond: 2.5,
      writeConcurrency: 1,
    });
  });

  it('the deprecated requestsPerSecond sets the quota units rate, unless quotaUnitsPerSecond is set', () => {
    writeConfig({ requestsPerSecond: 3 });
    const old = load();
    expect(old.settings.quotaUnitsPerSecond).toBe(3);
    expect(old.sources.quotaUnitsPerSecond).toBe('config.json');
    writeConfig({ requestsPerSecond: 3, quotaUnitsPerSecond: 5 });
    expect(load().settings.quotaUnitsPerSecond).toBe(5);
    expect(load({ CALSYNC_QUOTA_UNITS_PER_SECOND: '7' }).settings.quotaUnitsPerSecond).toBe(7);
  });

  it('checks calendarAccounts against source calendars from the environment too', () => {
    writeConfig({ calendarAccounts: { 'cal@x.com': 'alice@x.com' } });
    expect(load({ SOURCE_CALENDARS: 'cal@x.com' }).settings.calendarAccounts).toEqual({
      'cal@x.com': 'alice@x.com',
    });
    expect(() => load({ SOURCE_CALENDARS: 'other@x.com' })).toThrow(
      /config\.json: key "calendarAccounts": calendar "cal@x.com"/,
    );
  });

  it('treats an empty config.json as no settings', () => {
    writeFileSync(join(dir, 'config.json'), '\n');
    expect(load().sources.pollIntervalMinutes).toBe('default');
  });
});
