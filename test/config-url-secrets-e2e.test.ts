/**
 * URL settings carry secrets in their userinfo and query (a proxy's password,
 * an API key): `config show`, `config get` and `config set` print such a URL
 * with those parts as [redacted], so a person sees they are set and never
 * what they are; and a Google endpoint with a user name or password, which
 * Google's client library refuses, stops calsync with exit 2 (built binary).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, type CliEnv } from './helpers/cli.js';

let cli: CliEnv | undefined;
afterEach(() => {
  cli?.cleanup();
  cli = undefined;
});

const SECRETS = ['PW1', 'SEC1', 'PW2', 'SEC2', 'SEC3', 'FRAG3', 'SEC4'];
const URLS = {
  CALSYNC_WEBHOOK_URL: 'https://hookuser:PW1@hook.example/webhook?tok=SEC1',
  CALSYNC_SENDGRID_API_ROOT: 'https://sg:PW2@sg.example/?k=SEC2',
  CALSYNC_GOOGLE_API_ROOT: 'https://api.example/root/?key=SEC3#FRAG3',
  CALSYNC_GOOGLE_TOKEN_URL: 'https://tok.example/token?key=SEC4',
};
const SHOWN = {
  webhookUrl: 'https://[redacted]@hook.example/webhook?[redacted]',
  sendgridApiRoot: 'https://[redacted]@sg.example/?[redacted]',
  googleApiRoot: 'https://api.example/root/?[redacted]#[redacted]',
  googleTokenUrl: 'https://tok.example/token?[redacted]',
};

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('URL settings in config show, get and set', () => {
  it('config show and config show --json mark the userinfo, query and fragment of every URL setting', async () => {
    cli = cliEnv(undefined, URLS);
    const table = await cli.run(['config', 'show']);
    expect(table.code, table.stderr).toBe(0);
    expectNoSecret(table.stdout + table.stderr);
    for (const [key, shown] of Object.entries(SHOWN))
      expect(table.stdout).toMatch(new RegExp(`^${key}\\s+${shown.replace(/[?[\]./]/g, '\\$&')}\\s`, 'm'));

    const json = await cli.run(['config', 'show', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expectNoSecret(json.stdout);
    const doc = JSON.parse(json.stdout) as Record<string, { value: unknown }>;
    for (const [key, shown] of Object.entries(SHOWN)) expect(doc[key]?.value).toBe(shown);
    // A URL without secret parts is shown as it is.
    expect(doc.googleAuthUrl?.value).toBe('https://accounts.google.com/o/oauth2/v2/auth');
  });

  it('config get prints a URL setting as config show does, like the secret keys it never prints', async () => {
    cli = cliEnv(undefined, { ...URLS, CALSYNC_SENDGRID_API_KEY: 'SGKEY' });
    for (const [key, shown] of Object.entries(SHOWN)) {
      const res = await cli.run(['config', 'get', key]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toBe(`${shown}\n`);
      const json = await cli.run(['config', 'get', key, '--json']);
      expect((JSON.parse(json.stdout) as { value: unknown }).value).toBe(shown);
    }
    expect((await cli.run(['config', 'get', 'sendgridApiKey'])).stdout).toBe('[redacted]\n');
  });

  it('config set stores the whole URL and echoes it marked', async () => {
    cli = cliEnv(undefined);
    const res = await cli.run(['config', 'set', 'webhookUrl', URLS.CALSYNC_WEBHOOK_URL]);
    expect(res.code, res.stderr).toBe(0);
    expectNoSecret(res.stdout + res.stderr);
    expect(res.stdout).toContain(`webhookUrl = ${SHOWN.webhookUrl}`);
    const json = await cli.run([
      'config',
      'set',
      'sendgridApiRoot',
      URLS.CALSYNC_SENDGRID_API_ROOT,
      '--json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    expectNoSecret(json.stdout);
    expect((JSON.parse(json.stdout) as { value: unknown }).value).toBe(SHOWN.sendgridApiRoot);
    const file = JSON.parse(readFileSync(join(cli.dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({
      webhookUrl: URLS.CALSYNC_WEBHOOK_URL,
      sendgridApiRoot: URLS.CALSYNC_SENDGRID_API_ROOT,
    });
  });
});

describe('a Google endpoint with a user name or password', () => {
  const withCredentials = 'https://proxyuser:PASSWD@proxy.example/root/';

  it('from the environment: every command exits 2 naming the variable and HTTPS_PROXY, never the password', async () => {
    cli = cliEnv(undefined, {
      CALSYNC_GOOGLE_API_ROOT: withCredentials,
      CALSYNC_SOURCE_CALENDARS: 'a@x.test',
    });
    for (const args of [['poll'], ['config', 'show']]) {
      const res = await cli.run(args);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain('CALSYNC_GOOGLE_API_ROOT: must not hold a user name or password');
      expect(res.stderr).toContain('HTTPS_PROXY');
      expect(res.stderr).toContain('(got "https://proxy.example/root/")');
      expect(res.stderr).not.toContain('PASSWD');
      expect(res.stderr).not.toContain('embedded credentials');
    }
  });

  it('in config.json: exit 2 naming the file, the key and the command that fixes it', async () => {
    cli = cliEnv(undefined);
    const file = join(cli.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ googleTokenUrl: 'https://u:PASSWD@tok.example/token' }));
    const res = await cli.run(['poll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${file}: key "googleTokenUrl": must not hold a user name or password`);
    expect(res.stderr).toContain('calsync config unset googleTokenUrl');
    expect(res.stderr).not.toContain('PASSWD');
  });

  it('config set refuses it with exit 2 and leaves config.json as it was', async () => {
    cli = cliEnv(undefined);
    const res = await cli.run(['config', 'set', 'googleApiRoot', withCredentials]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('key "googleApiRoot": must not hold a user name or password');
    expect(res.stderr).not.toContain('PASSWD');
    const show = await cli.run(['config', 'get', 'googleApiRoot']);
    expect(show.stdout).toBe('https://www.googleapis.com/\n');
  });
});
