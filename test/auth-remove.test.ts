import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function refreshes(w: World, account: string, refreshToken: string): Promise<number> {
  const user = w.emu.authorizedUser(account);
  const res = await fetch(`${w.emu.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: user.client_id,
      client_secret: user.client_secret,
    }).toString(),
  });
  return res.status;
}

describe('calsync auth --remove (built binary)', () => {
  it('revokes the refresh token at Google, deletes the token file and its cache, and names the calendars left without one', async () => {
    world = await startWorld();
    const token = world.emu.authorizedUser(ALICE).refresh_token;
    const tokens = join(world.cli.dir, 'tokens');
    writeFileSync(join(tokens, `${ALICE}.access.json`), '{"access_token":"x"}', { mode: 0o600 });
    // Another account whose name starts like Alice's is not hers.
    world.cli.writeToken(`${ALICE}.uk`, world.emu.authorizedUser(SHARED));
    const res = await world.cli.run(['auth', '--remove', ALICE]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`revoked the refresh token of ${ALICE}`);
    expect(res.stdout).toContain(`now without a token: ${ALICE}`);
    expect(await refreshes(world, ALICE, token)).toBe(400);
    expect(existsSync(join(tokens, `${ALICE}.json`))).toBe(false);
    expect(existsSync(join(tokens, `${ALICE}.access.json`))).toBe(false);
    expect(existsSync(join(tokens, `${ALICE}.uk.json`))).toBe(true);
    expect(existsSync(join(tokens, `${SHARED}.json`))).toBe(true);
  });

  it('a token Google no longer knows is deleted anyway, with a note', async () => {
    world = await startWorld();
    world.emu.revokeRefreshTokens(ALICE);
    const res = await world.cli.run(['auth', '--remove', ALICE, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { revocation: string; note: string };
    expect(report.revocation).toBe('unknown-to-google');
    expect(report.note).toContain('Google no longer knew the token');
    expect(existsSync(join(world.cli.dir, 'tokens', `${ALICE}.json`))).toBe(false);
  });

  it('when Google cannot be reached the token file is kept and the exit status is 1', async () => {
    world = await startWorld();
    world.emu.injectFaults({ method: 'POST', pathIncludes: '/revoke', status: 503 });
    const res = await world.cli.run(['auth', '--remove', ALICE]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the file is kept');
    expect(existsSync(join(world.cli.dir, 'tokens', `${ALICE}.json`))).toBe(true);
  });

  it('an account without a token fails (exit 1); --remove without an account is a usage error (exit 2)', async () => {
    world = await startWorld();
    const none = await world.cli.run(['auth', '--remove', 'nobody@example.test']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no token for nobody@example.test');
    expect((await world.cli.run(['auth', '--remove'])).code).toBe(2);
  });

  it('sends the token in the POST body (RFC 7009), never in the URL', async () => {
    world = await startWorld();
    const token = world.emu.authorizedUser(ALICE).refresh_token;
    const res = await world.cli.run(['auth', '--remove', ALICE]);
    expect(res.code, res.stderr).toBe(0);
    const revokes = world.emu.requests.filter((r) => r.path === '/revoke');
    expect(revokes).toHaveLength(1);
    expect(revokes[0]?.query).toEqual({});
    expect(revokes[0]?.body).toEqual({ token });
  });

  it('a failed revocation prints no token, at debug level, verbose, in text and JSON, however it fails', async () => {
    world = await startWorld();
    const token = world.emu.authorizedUser(ALICE).refresh_token;
    // A port nothing listens on: bound, then closed.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    world.emu.injectFaults({ method: 'POST', pathIncludes: '/revoke', status: 503 });
    const revokeUrls = [
      `http://127.0.0.1:${closed}/revoke`,
      `${world.emu.url}/revoke`,
      // A proxy's credentials in the URL, and a query of its own: neither is printed. The client
      // library refuses such a URL, so calsync refuses the setting (exit 2) before anything is sent.
      `http://proxyuser:proxypass@127.0.0.1:${closed}/revoke?audit=secret-query`,
    ];
    for (const url of revokeUrls)
      for (const args of [
        ['auth', '--remove', ALICE, '--verbose'],
        ['auth', '--remove', ALICE, '--json'],
      ]) {
        const res = await world.cli.run(args, {
          CALSYNC_LOG_LEVEL: 'debug',
          CALSYNC_GOOGLE_REVOKE_URL: url,
        });
        const out = res.stdout + res.stderr;
        if (url.includes('@')) {
          expect(res.code, out).toBe(2);
          expect(out).toContain('CALSYNC_GOOGLE_REVOKE_URL: must not hold a user name or password');
        } else {
          expect(res.code, out).toBe(1);
          expect(out).toContain('could not revoke the token');
        }
        for (const leak of [token, encodeURIComponent(token), 'token=', 'proxypass', 'secret-query'])
          expect(out, `${url} ${args.join(' ')}`).not.toContain(leak);
        expect(existsSync(join(world.cli.dir, 'tokens', `${ALICE}.json`))).toBe(true);
      }
  });
});
