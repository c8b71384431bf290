import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings, setConfigValue, unsetConfigValue } from '../src/config/index.js';
import { CONFIG_ROOT_SCHEMA, configPropertySchemas } from '../src/config/schema.js';
import { ConfigError, UsageError } from '../src/errors.js';

let dir: string;
let configFile: string;
let env: Record<string, string>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calsync-file-'));
  configFile = join(dir, 'config.json');
  env = { CALSYNC_CONFIG_DIR: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error('expected a rejection');
}

const invalidFiles: [string, string, string][] = [
  ['bad JSON', '{"pollIntervalMinutes": 5,', 'line 1, column 27: not valid JSON'],
  ['a wrong type', '{"pollIntervalMinutes": "5"}', 'key "pollIntervalMinutes": must be a positive integer'],
  ['a zero count', '{"maxWritesPerPoll": 0}', 'key "maxWritesPerPoll": must be a positive integer'],
  ['a fractional count', '{"writeConcurrency": 1.5}', 'key "writeConcurrency": must be a positive integer'],
  ['an unknown key', '{"pollInterval": 5}', 'key "pollInterval": unknown setting'],
  [
    'a secret',
    '{"sendgridApiKey": "SG.in-the-file"}',
    'key "sendgridApiKey": secrets are not read from config.json',
  ],
  [
    'a list of numbers',
    '{"sourceCalendars": [1]}',
    'key "sourceCalendars": must be a list of non-empty strings',
  ],
  [
    'a calendarAccounts entry for no source calendar',
    '{"sourceCalendars": ["a@x.com"], "calendarAccounts": {"b@x.com": "bob"}}',
    'key "calendarAccounts": calendar "b@x.com" is not one of the source calendars',
  ],
  [
    'an unsafe account name',
    '{"sourceCalendars": ["a@x.com"], "calendarAccounts": {"a@x.com": "../bob"}}',
    'key "calendarAccounts": account "../bob" is not a safe file name',
  ],
  ['a bad gmailOriginal', '{"gmailOriginal": "trash"}', 'key "gmailOriginal": must be keep or delete'],
  ['not an object', '[1, 2]', 'must hold one JSON object'],
];

describe('an invalid config.json', () => {
  it.each(invalidFiles)(
    'with %s is a ConfigError (exit 2) naming file and key, and neither load nor set changes it',
    async (_name, content, message) => {
      writeFileSync(configFile, content);
      const before = statSync(configFile).mtimeMs;
      const loadError = (() => {
        try {
          loadSettings({ env });
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(loadError).toBeInstanceOf(ConfigError);
      expect((loadError as ConfigError).exitCode).toBe(2);
      expect((loadError as ConfigError).message).toContain(`${configFile}: ${message}`);
      expect((loadError as ConfigError).message).not.toContain('\n');

      const setError = await rejection(setConfigValue('lookbackDays', '2', env));
      expect(setError).toBeInstanceOf(ConfigError);
      expect(readFileSync(configFile, 'utf8')).toBe(content);
      expect(statSync(configFile).mtimeMs).toBe(before);
    },
  );
});

describe('setConfigValue and unsetConfigValue', () => {
  it('round-trips values through config.json, parsed by kind', async () => {
    await setConfigValue('sourceCalendars', ' a@x.com, b.c@x.com ,', env);
    await setConfigValue('pollIntervalMinutes', '10', env);
    await setConfigValue('requestsPerSecond', '2.5', env);
    await setConfigValue('calendarAccounts', 'b.c@x.com=alice@x.com', env);
    await setConfigValue('gmailOriginal', 'DELETE', env);
    await setConfigValue('webhookUrl', 'https://hooks.example.com', env);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      sourceCalendars: ['a@x.com', 'b.c@x.com'],
      pollIntervalMinutes: 10,
      requestsPerSecond: 2.5,
      calendarAccounts: { 'b.c@x.com': 'alice@x.com' },
      gmailOriginal: 'delete',
      webhookUrl: 'https://hooks.example.com/webhook',
    });
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const { settings, sources } = loadSettings({ env });
    expect(settings.calendarAccounts).toEqual({ 'b.c@x.com': 'alice@x.com' });
    expect(sources.requestsPerSecond).toBe('config.json');

    expect(await unsetConfigValue('pollIntervalMinutes', env)).toMatchObject({ changed: true });
    expect(await unsetConfigValue('pollIntervalMinutes', env)).toMatchObject({ changed: false });
    expect(loadSettings({ env }).sources.pollIntervalMinutes).toBe('default');
  });

  it('accepts calendarAccounts as JSON', async () => {
    await setConfigValue('sourceCalendars', 'a@x.com', env);
    await setConfigValue('calendarAccounts', '{"a@x.com": "alice"}', env);
    expect(loadSettings({ env }).settings.calendarAccounts).toEqual({ 'a@x.com': 'alice' });
  });

  it('keeps the keys it does not change', async () => {
    writeFileSync(configFile, '{"lookbackDays": 2, "inviteEmail": "s@x.com"}');
    chmodSync(configFile, 0o600);
    await setConfigValue('lookbackDays', '4', env);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ lookbackDays: 4, inviteEmail: 's@x.com' });
  });

  it.each([
    ['pollIntervalMinutes', 'often', 'must be a positive integer'],
    ['lookbackDays', '-1', 'must be a whole number, 0 or more'],
    ['requestsPerSecond', '0', 'must be a positive number'],
    ['logLevel', 'chatty', 'must be one of error, warn, info, debug'],
    ['webhookUrl', 'hooks.example.com', 'must be an http(s) URL'],
    ['inviteEmail', '  ', 'must not be empty'],
    ['calendarAccounts', 'no-equals-sign', 'must map calendar ids to account names'],
  ])('refuses %s=%j as a usage error and writes nothing', async (key, value, problem) => {
    const err = await rejection(setConfigValue(key, value, env));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain(`key "${key}": ${problem}`);
    expect(existsSync(configFile)).toBe(false);
  });

  it('refuses a calendarAccounts entry for a calendar that is not a source calendar', async () => {
    const err = await rejection(
      setConfigValue('calendarAccounts', 'z@x.com=zed', { ...env, SOURCE_CALENDARS: 'a@x.com' }),
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('calendar "z@x.com" is not one of the source calendars (a@x.com)');
    expect(existsSync(configFile)).toBe(false);
  });

  it('refuses to unset the source calendars a calendarAccounts entry needs', async () => {
    writeFileSync(configFile, '{"sourceCalendars": ["a@x.com"], "calendarAccounts": {"a@x.com": "alice"}}');
    const before = readFileSync(configFile, 'utf8');
    expect(await rejection(unsetConfigValue('sourceCalendars', env))).toBeInstanceOf(ConfigError);
    expect(readFileSync(configFile, 'utf8')).toBe(before);
  });

  it('repairs an invalid file one bad key at a time with unset', async () => {
    writeFileSync(configFile, '{"pollIntervalMinutes": 0, "typo": 1, "lookbackDays": 3}');
    await unsetConfigValue('typo', env);
    await unsetConfigValue('pollIntervalMinutes', env);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ lookbackDays: 3 });
  });

  it('refuses unknown keys with the list of valid ones, and secrets with where to put them', async () => {
    const unknown = await rejection(setConfigValue('pollInterval', '5', env));
    expect(unknown).toBeInstanceOf(UsageError);
    expect((unknown as UsageError).hint).toContain('valid keys: sourceCalendars, inviteEmail');
    const secret = await rejection(setConfigValue('sendgridApiKey', 'SG.do-not-store', env));
    expect(secret).toBeInstanceOf(ConfigError);
    expect((secret as ConfigError).hint).toContain('CALSYNC_SENDGRID_API_KEY_FILE');
    expect(existsSync(configFile)).toBe(false);
  });
});

describe('the JSON schema conf writes with', () => {
  it.each([
    ['pollIntervalMinutes', '5'],
    ['pollIntervalMinutes', 0],
    ['lookbackDays', -1],
    ['requestsPerSecond', 0],
    ['gmailOriginal', 'trash'],
    ['logLevel', 'loud'],
    ['sourceCalendars', ['']],
    ['webhookUrl', 'hooks.example.com'],
    ['calendarAccounts', { 'a@x.com': '../bob' }],
    ['sendgridApiKey', 'SG.secret'],
    ['pollInterval', 5],
  ])('rejects %s=%j as the load-time checks do', (key, value) => {
    const conf = new Conf<Record<string, unknown>>({
      cwd: dir,
      configName: 'config',
      projectSuffix: '',
      accessPropertiesByDotNotation: false,
      schema: configPropertySchemas(),
      rootSchema: CONFIG_ROOT_SCHEMA,
    });
    expect(() => conf.set(key, value)).toThrow(/Config schema violation/);
    writeFileSync(configFile, JSON.stringify({ [key]: value }));
    expect(() => loadSettings({ env })).toThrow(ConfigError);
  });
});
