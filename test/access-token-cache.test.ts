import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_MARGIN_MS,
  accessTokenPath,
  invalidateAccessToken,
  readAccessToken,
  userGrant,
  writeAccessToken,
} from '../src/google/access-token-cache.js';
import type { AuthorizedUser } from '../src/google/token-store.js';

const user: AuthorizedUser = {
  type: 'authorized_user',
  client_id: 'client.apps.test',
  client_secret: 'secret',
  refresh_token: '1//refresh',
};
const grant = userGrant(user);
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'calsync-atc-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('access-token cache', () => {
  it('gives back a stored token while it outlives the margin, written 0600', async () => {
    const dir = tempDir();
    const now = Date.now();
    await writeAccessToken(dir, 'a@x.test', grant, { access_token: 'ya29.t', expiry_date: now + 3_600_000 });
    expect(statSync(accessTokenPath(dir, 'a@x.test')).mode & 0o777).toBe(0o600);
    expect(readAccessToken(dir, 'a@x.test', grant, now)).toEqual({
      access_token: 'ya29.t',
      expiry_date: now + 3_600_000,
    });
  });

  it('a token expiring within the margin counts as missing', async () => {
    const dir = tempDir();
    const now = Date.now();
    await writeAccessToken(dir, 'a@x.test', grant, {
      access_token: 'ya29.t',
      expiry_date: now + ACCESS_TOKEN_MARGIN_MS,
    });
    expect(readAccessToken(dir, 'a@x.test', grant, now)).toBeUndefined();
    expect(readAccessToken(dir, 'a@x.test', grant, now - 1000)).toBeDefined();
  });

  it('a token of another grant (signed in again) counts as missing', async () => {
    const dir = tempDir();
    await writeAccessToken(dir, 'a@x.test', grant, {
      access_token: 'ya29.t',
      expiry_date: Date.now() + 3_600_000,
    });
    expect(readAccessToken(dir, 'a@x.test', userGrant({ ...user, refresh_token: '1//new' }))).toBeUndefined();
  });

  it('invalidating forgets the token, and a missing file is fine', async () => {
    const dir = tempDir();
    await writeAccessToken(dir, 'a@x.test', grant, {
      access_token: 'ya29.t',
      expiry_date: Date.now() + 3_600_000,
    });
    await invalidateAccessToken(dir, 'a@x.test');
    expect(readAccessToken(dir, 'a@x.test', grant)).toBeUndefined();
    await expect(invalidateAccessToken(dir, 'a@x.test')).resolves.toBeUndefined();
  });
});
