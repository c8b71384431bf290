import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/index.js';
import type { Settings } from '../src/config/types.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { AuthError } from '../src/errors.js';
import { checkAccountToken, loadAccountAuth, toAuthError } from '../src/google/auth.js';
import { calendarFor } from '../src/google/client.js';
import { writeTokenFile } from '../src/google/token-store.js';
import { cliEnv, runCli, tempConfigDir } from './auth-helpers.js';

const GOOD = 'good@example.com';
const REVOKED = 'revoked@example.com';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
  emu.addAccount(GOOD);
  emu.addAccount(REVOKED);
});
afterAll(async () => {
  await emu.close();
});

/** A config dir with a working token for GOOD and a revoked one for REVOKED. */
async function configWithTokens(): Promise<string> {
  const dir = tempConfigDir();
  await writeTokenFile(dir, GOOD, emu.authorizedUser(GOOD));
  await writeTokenFile(dir, REVOKED, emu.authorizedUser(REVOKED));
  emu.revokeRefreshTokens(REVOKED);
  return dir;
}

function settingsFor(dir: string, extra: Record<string, string> = {}): Settings {
  return loadSettings({ env: cliEnv(emu, dir, extra) }).settings;
}

describe('calsync auth --list', () => {
  it('reports one good and one revoked token in JSON, with the command that fixes the revoked one (exit 1)', async () => {
    const dir = await configWithTokens();
    const result = await runCli(['auth', '--list', '--json'], cliEnv(emu, dir));
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { accounts: Array<Record<string, unknown>> };
    expect(doc.accounts).toEqual([
      { account: GOOD, tokenFile: join(dir, 'tokens', `${GOOD}.json`), status: 'ok', usedFor: [] },
      {
        account: REVOKED,
        tokenFile: join(dir, 'tokens', `${REVOKED}.json`),
        status: 'revoked',
        usedFor: [],
        hint: `run: calsync auth ${REVOKED} --client-secrets <client_secret.json>`,
      },
    ]);
  });

  it('adds the accounts the settings need: source calendars and the shared calendar, missing ones marked', async () => {
    const dir = await configWithTokens();
    const env = cliEnv(emu, dir, {
      CALSYNC_SOURCE_CALENDARS: `${GOOD},carol@example.com`,
      CALSYNC_INVITE_EMAIL: 'shared@example.com',
    });
    const result = await runCli(['auth', '--list'], env);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+TOKEN FILE\s+STATUS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      `${GOOD} ${join(dir, 'tokens', `${GOOD}.json`)} ok`,
      `carol@example.com ${join(dir, 'tokens', 'carol@example.com.json')} missing:`,
      `shared@example.com ${join(dir, 'tokens', 'shared@example.com.json')} missing:`,
      `${REVOKED} ${join(dir, 'tokens', `${REVOKED}.json`)} revoked:`,
    ]);
    expect(result.stdout).toContain(
      `revoked: run calsync auth ${REVOKED} --client-secrets <client_secret.json>`,
    );
  });

  it('exits 0 when every token refreshes', async () => {
    const dir = tempConfigDir();
    await writeTokenFile(dir, GOOD, emu.authorizedUser(GOOD));
    const result = await runCli(['auth', '--list'], cliEnv(emu, dir));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${GOOD}\\s+\\S+\\s+ok$`, 'm'));
  });

  it('refuses a token file readable by others, with the chmod hint', async () => {
    const dir = tempConfigDir();
    const file = await writeTokenFile(dir, GOOD, emu.authorizedUser(GOOD));
    chmodSync(file, 0o644);
    const result = await runCli(['auth', '--list', '--json'], cliEnv(emu, dir));
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { accounts: Array<{ status: string; hint?: string }> };
    expect(doc.accounts[0]?.status).toBe('unusable');
    expect(doc.accounts[0]?.hint).toBe(`${file} is readable by group or others; run: chmod 600 ${file}`);
  });
});

describe('checkAccountToken and revoked tokens', () => {
  it('says ok, revoked or missing for each account', async () => {
    const settings = settingsFor(await configWithTokens());
    expect(await checkAccountToken(settings, GOOD)).toBe('ok');
    expect(await checkAccountToken(settings, REVOKED)).toBe('revoked');
    expect(await checkAccountToken(settings, 'nobody@example.com')).toBe('missing');
  });

  it('says unreachable when the token endpoint does not answer', async () => {
    const dir = await configWithTokens();
    const settings = settingsFor(dir, { CALSYNC_GOOGLE_TOKEN_URL: 'http://127.0.0.1:1/token' });
    expect(await checkAccountToken(settings, GOOD)).toBe('unreachable');
  });

  it('turns invalid_grant from a Calendar call into an AuthError that says to run calsync auth', async () => {
    const settings = settingsFor(await configWithTokens());
    const err = await calendarFor(settings, REVOKED)
      .events.list({ calendarId: REVOKED })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const authErr = toAuthError(REVOKED, err);
    expect(authErr).toBeInstanceOf(AuthError);
    expect(authErr?.account).toBe(REVOKED);
    expect(authErr?.message).toContain('invalid_grant');
    expect(authErr?.hint).toBe(`run: calsync auth ${REVOKED} --client-secrets <client_secret.json>`);
  });

  it('leaves other Google errors alone', async () => {
    const settings = settingsFor(await configWithTokens());
    const err = await calendarFor(settings, GOOD)
      .events.get({ calendarId: GOOD, eventId: 'doesnotexist1' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeDefined();
    expect(toAuthError(GOOD, err)).toBeUndefined();
    await expect(loadAccountAuth(settings, GOOD).getAccessToken()).resolves.toMatchObject({
      token: expect.any(String) as unknown,
    });
  });
});
