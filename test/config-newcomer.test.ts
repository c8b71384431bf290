/**
 * `calsync config` as a newcomer meets it: where a value came from by name,
 * `config get`, typos in keys, and where a broken config.json is broken.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDirCli } from './helpers/fresh-dir-cli.js';

const cli = freshDirCli('calsync-cfg-');
const { calsync } = cli;

describe('config show names where each value came from', () => {
  it('names the variable, not just "environment" (a seed name too), in text and JSON', () => {
    const r = calsync(['config', 'show'], { SOURCE_CALENDARS: 'a@x.com', CALSYNC_INVITE_EMAIL: 'f@x.com' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sourceCalendars\s+a@x\.com\s+SOURCE_CALENDARS \(environment\)$/m);
    expect(r.stdout).toMatch(/^inviteEmail\s+f@x\.com\s+CALSYNC_INVITE_EMAIL \(environment\)$/m);
    const doc = JSON.parse(
      calsync(['config', 'show', '--json'], { SOURCE_CALENDARS: 'a@x.com' }).stdout,
    ) as Record<string, { from: string }>;
    expect(doc.sourceCalendars?.from).toBe('SOURCE_CALENDARS');
    expect(doc.configDir?.from).toBe('CALSYNC_CONFIG_DIR');
  });
});

describe('config get <key>', () => {
  it('prints the effective value as config set takes it back', () => {
    expect(
      calsync(['config', 'get', 'sourceCalendars'], { SOURCE_CALENDARS: 'a@x.com,b@y.com' }).stdout,
    ).toBe('a@x.com,b@y.com\n');
    expect(calsync(['config', 'set', 'pollIntervalMinutes', '7']).status).toBe(0);
    expect(calsync(['config', 'get', 'pollIntervalMinutes']).stdout).toBe('7\n');
    const json = JSON.parse(calsync(['config', 'get', 'pollIntervalMinutes', '--json']).stdout) as unknown;
    expect(json).toMatchObject({ key: 'pollIntervalMinutes', value: 7, source: 'config.json' });
  });

  it('redacts a secret', () => {
    const r = calsync(['config', 'get', 'sendgridApiKey'], { CALSYNC_SENDGRID_API_KEY: 'SG.very-secret' });
    expect(r.stdout).toBe('[redacted]\n');
  });
});

describe('typos in config keys get a "did you mean"', () => {
  it('config get, set and unset', () => {
    for (const args of [
      ['config', 'get', 'sourceCalendar'],
      ['config', 'set', 'sourceCalendar', 'a@x.com'],
      ['config', 'unset', 'sourceCalendar'],
    ]) {
      const r = calsync(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('unknown key "sourceCalendar"; did you mean sourceCalendars?');
    }
  });

  it('a key in config.json', () => {
    writeFileSync(join(cli.dir(), 'config.json'), '{"lookbakDays": 2}\n');
    const r = calsync(['config', 'show']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('key "lookbakDays": unknown setting; did you mean lookbackDays?');
  });

  it('no suggestion for a word close to nothing', () => {
    const r = calsync(['config', 'get', 'zzzzzzzz']);
    expect(r.stderr).toContain('unknown key "zzzzzzzz"');
    expect(r.stderr).not.toContain('did you mean');
  });
});

describe('a config.json syntax error', () => {
  it('says the line and column', () => {
    writeFileSync(join(cli.dir(), 'config.json'), '{\n  "lookbackDays": 1,\n  pollIntervalMinutes: 3\n}\n');
    const r = calsync(['poll']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(cli.dir(), 'config.json')}: line 3, column 3: not valid JSON`);
  });

  it('a file cut short: the end of the file', () => {
    writeFileSync(join(cli.dir(), 'config.json'), '{\n  "lookbackDays": 1');
    expect(calsync(['config', 'show']).stderr).toContain('config.json: line 2, column 20: not valid JSON');
  });
});
