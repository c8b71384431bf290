/**
 * `calsync sandbox`: a Desktop app client secrets file, a config dir pointed
 * at the emulator, and a way to make the wrong account sign in.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consentRedirect, land, startCli } from './auth-helpers.js';
import type { RunningCli } from './server-helpers.js';
import { eventually, startCli as startServerCli } from './server-helpers.js';

let sandbox: RunningCli | undefined;
let home: string;
afterEach(async () => {
  if (sandbox && sandbox.child.exitCode === null) {
    sandbox.child.kill('SIGTERM');
    await sandbox.done;
  }
  sandbox = undefined;
  rmSync(home, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...extra };
}

describe('calsync sandbox', () => {
  it('writes a Desktop app client and a config dir pointed at the emulator; --sign-in-as makes auth refuse', async () => {
    home = mkdtempSync(join(tmpdir(), 'calsync-sandbox-'));
    const dir = join(home, 'sb');
    sandbox = startServerCli(['sandbox', '--dir', dir, '--sign-in-as', 'mallory@demo.calsync.test'], env());
    const running = sandbox;
    const exportLine = /export CALSYNC_CONFIG_DIR=(\S+)/;
    await eventually(() => exportLine.test(running.output().stdout), 15_000, 'the export line');
    const configDir = exportLine.exec(running.output().stdout)?.[1] ?? '';
    expect(configDir).toBe(join(dir, 'config'));
    const secrets = JSON.parse(readFileSync(join(dir, 'client_secret.json'), 'utf8')) as {
      installed?: { client_id?: string; redirect_uris?: string[] };
    };
    expect(secrets.installed?.client_id).toMatch(/\.apps\.googleusercontent\.com$/);
    const config = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as Record<string, string>;
    expect(config.googleApiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const cli = startCli(
      ['auth', 'alex@demo.calsync.test', '--client-secrets', join(dir, 'client_secret.json'), '--no-browser'],
      env({ CALSYNC_CONFIG_DIR: configDir }),
    );
    await land(await consentRedirect(await cli.authUrl));
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signed in as mallory@demo.calsync.test, not alex@demo.calsync.test');
    expect(existsSync(join(configDir, 'tokens', 'alex@demo.calsync.test.json'))).toBe(false);
  });

  it('refuses a --dir it did not make that holds files', async () => {
    home = mkdtempSync(join(tmpdir(), 'calsync-sandbox-'));
    writeFileSync(join(home, 'precious.txt'), 'keep me\n');
    const run = startServerCli(['sandbox', '--dir', home], env());
    const r = await run.done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not empty and was not made by calsync sandbox');
    expect(existsSync(join(home, 'precious.txt'))).toBe(true);
  });

  it('with a profile selected, its config dir is still its own, and it says to unset CALSYNC_PROFILE', async () => {
    home = mkdtempSync(join(tmpdir(), 'calsync-sandbox-'));
    const dir = join(home, 'sb');
    sandbox = startServerCli(
      ['--profile', 'club', 'sandbox', '--dir', dir],
      env({ CALSYNC_PROFILE: 'club' }),
    );
    const running = sandbox;
    await eventually(() => /unset CALSYNC_PROFILE/.test(running.output().stdout), 15_000, 'the unset line');
    expect(running.output().stdout).toContain(
      `export CALSYNC_CONFIG_DIR=${join(dir, 'config')}\n  unset CALSYNC_PROFILE\n`,
    );
    expect(existsSync(join(dir, 'config', 'config.json'))).toBe(true);
    expect(existsSync(join(dir, 'config', 'profiles'))).toBe(false);
    expect(existsSync(join(home, '.config'))).toBe(false);
  });

  it("a second sandbox on the same directory is refused, naming the running one's pid; after it stops, one starts again", async () => {
    home = mkdtempSync(join(tmpdir(), 'calsync-sandbox-'));
    const dir = join(home, 'sb');
    const exportLine = /export CALSYNC_CONFIG_DIR=(\S+)/;
    sandbox = startServerCli(['sandbox', '--dir', dir], env());
    const first = sandbox;
    await eventually(() => exportLine.test(first.output().stdout), 15_000, 'the export line');
    const config = readFileSync(join(dir, 'config', 'config.json'), 'utf8');

    const second = await startServerCli(['sandbox', '--dir', dir], env()).done;
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`another calsync sandbox (pid ${first.child.pid}) is running on ${dir}`);
    expect(second.stderr).toContain(`kill ${first.child.pid}`);
    // The running sandbox's config dir is untouched: its config still points at its own emulator.
    expect(readFileSync(join(dir, 'config', 'config.json'), 'utf8')).toBe(config);
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGINT');
    await first.done;
    sandbox = startServerCli(['sandbox', '--dir', dir], env());
    const third = sandbox;
    await eventually(
      () => exportLine.test(third.output().stdout),
      15_000,
      'the export line of the next sandbox',
    );
  });

  it("the sandbox's config revokes tokens at its emulator, never at Google", async () => {
    home = mkdtempSync(join(tmpdir(), 'calsync-sandbox-'));
    const dir = join(home, 'sb');
    sandbox = startServerCli(['sandbox', '--dir', dir], env());
    const running = sandbox;
    const exportLine = /export CALSYNC_CONFIG_DIR=(\S+)/;
    await eventually(() => exportLine.test(running.output().stdout), 15_000, 'the export line');
    const config = JSON.parse(readFileSync(join(dir, 'config', 'config.json'), 'utf8')) as Record<
      string,
      string
    >;
    const root = config.googleApiRoot ?? '';
    expect(config.googleRevokeUrl).toBe(`${root}revoke`);
    // The emulator serves it: an unknown token is refused as Google refuses it.
    const res = await fetch(config.googleRevokeUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=not-a-token',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error?: string }).error).toBe('invalid_token');
  });
});
