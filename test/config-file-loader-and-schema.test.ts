/**
 * conf checks the whole config.json on every `config set`: a file the
 * loader reads (padded values, a colour id as a number, a birthday type in
 * capitals) must not make the very command that fixes it fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setConfigValue } from '../src/config/index.js';
import { readConfigFile } from '../src/config/configFile.js';
import { cliEnv, type CliEnv } from './helpers/cli.js';

let dir: string | undefined;
let cli: CliEnv | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  cli?.cleanup();
  cli = undefined;
});

/** One value of every kind the loader normalises, as a person may type it into the file. */
const LOOSE = {
  sourceCalendars: [' a@x.test ', 'b@x.test'],
  inviteEmail: ' Family@Group.Calendar.Test ',
  webhookUrl: ' https://hook.example/webhook ',
  googleApiRoot: ' HTTPS://api.example/ ',
  calendarAccounts: { 'a@x.test': ' alice@x.test ' },
  calendarColors: { 'a@x.test': 5, 'b@x.test': ' 11 ' },
  birthdayTypes: [' Birthday ', 'ANNIVERSARY'],
  delegatedDomains: [' Example.COM ', '', '@corp.example'],
  busyTitle: ' Busy ',
};

describe('config set on a config.json the loader reads', () => {
  it('writes the key and keeps every other value as the file had it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'calsync-loose-'));
    const env = { CALSYNC_CONFIG_DIR: dir };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(LOOSE));
    // The loader reads it (trimmed, lower-cased where it compares so)…
    const { values } = readConfigFile(dir);
    expect(values.inviteEmail).toBe('Family@Group.Calendar.Test');
    expect(values.calendarColors).toEqual({ 'a@x.test': '5', 'b@x.test': '11' });
    expect(values.birthdayTypes).toEqual(['birthday', 'anniversary']);
    expect(values.delegatedDomains).toEqual(['example.com', 'corp.example']);
    // …so conf's schema must too.
    const change = await setConfigValue('pollIntervalMinutes', '7', env);
    expect(change.value).toBe(7);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...LOOSE, pollIntervalMinutes: 7 });
  });

  it('a padded inviteEmail in config.json: config set inviteEmail works, padded or not (built binary)', async () => {
    cli = cliEnv(undefined);
    const file = join(cli.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ inviteEmail: ' family@group.calendar.test ' }));
    const padded = await cli.run(['config', 'set', 'inviteEmail', ' family@group.calendar.test ']);
    expect(padded.code, padded.stderr).toBe(0);
    expect(padded.stderr).not.toContain('must match pattern');
    // The same calendar: no move announced.
    expect(padded.stdout).not.toContain('moves what calsync shares');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ inviteEmail: 'family@group.calendar.test' });
    writeFileSync(file, JSON.stringify({ inviteEmail: ' family@group.calendar.test ' }));
    const other = await cli.run(['config', 'set', 'pollIntervalMinutes', '10']);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      inviteEmail: ' family@group.calendar.test ',
      pollIntervalMinutes: 10,
    });
  });
});
