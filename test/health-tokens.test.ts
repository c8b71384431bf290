import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import {
  assertBuilt,
  isoAgo,
  runCalsync,
  sandbox,
  stateWith,
  writeState,
  type Sandbox,
} from './health-helpers.js';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

let emu: Emulator;
let box: Sandbox;
beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
  box = await sandbox();
  await mkdir(join(box.configDir, 'tokens'), { mode: 0o700 });
  for (const account of [ALICE, BOB]) {
    emu.addAccount(account);
    await writeFile(
      join(box.configDir, 'tokens', `${account}.json`),
      JSON.stringify(emu.authorizedUser(account)),
      { mode: 0o600 },
    );
  }
  emu.revokeRefreshTokens(BOB);
  await writeState(
    box.configDir,
    stateWith((s) => {
      for (const c of [ALICE, BOB, CAROL]) s.calendars[c] = { lastSuccessAt: isoAgo(new Date(), 30) };
      // Alice was re-authorised since the poll marked her; Bob was not.
      s.accounts[ALICE] = { needsAuth: { since: '2026-01-01T00:00:00.000Z', reason: 'invalid_grant' } };
      s.accounts[BOB] = { needsAuth: { since: '2026-01-02T00:00:00.000Z', reason: 'invalid_grant' } };
    }),
  );
});
afterAll(async () => {
  await emu.close();
  await box.cleanup();
});

describe('token checks of health-check (built binary, emulator)', () => {
  it('a revoked and a missing token are CRITICAL with the auth command; a good one passes and clears a stale mark', async () => {
    const r = await runCalsync(['health-check', '--json', '--no-alert'], box, {
      CALSYNC_SOURCE_CALENDARS: [ALICE, BOB, CAROL].join(','),
      // A group calendar, as any real config has one: it has no token file, so no token check of its own.
      CALSYNC_INVITE_EMAIL: 'family@group.calendar.test',
      CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
    });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as {
      status: string;
      checks: Array<{ kind: string; subject: string; status: string; fix?: string }>;
    };
    const tokens = Object.fromEntries(
      doc.checks.filter((c) => c.kind === 'token').map((c) => [c.subject, c]),
    );
    const marks = doc.checks.filter((c) => c.kind === 'auth').map((c) => c.subject);
    expect(tokens[ALICE]?.status).toBe('OK');
    expect(marks).toEqual([BOB]);
    // Bob's revoked token is reported once, by his needsAuth mark.
    expect(tokens[BOB]).toBeUndefined();
    expect(doc.checks.find((c) => c.kind === 'auth')).toMatchObject({
      status: 'CRITICAL',
      fix: `run: calsync auth ${BOB} --client-secrets <client_secret.json>`,
    });
    expect(tokens[CAROL]).toMatchObject({
      status: 'CRITICAL',
      fix: `run: calsync auth ${CAROL} --client-secrets <client_secret.json>`,
    });
  });

  it('an unreachable token endpoint is a WARNING, not an outage', async () => {
    const own = await sandbox();
    try {
      const dave = 'dave@example.com';
      emu.addAccount(dave);
      await mkdir(join(own.configDir, 'tokens'), { mode: 0o700 });
      await writeFile(
        join(own.configDir, 'tokens', `${dave}.json`),
        JSON.stringify(emu.authorizedUser(dave)),
        { mode: 0o600 },
      );
      await writeState(
        own.configDir,
        stateWith((s) => (s.calendars[dave] = { lastSuccessAt: isoAgo(new Date(), 30) })),
      );
      const r = await runCalsync(['health-check', '--no-alert'], own, {
        CALSYNC_SOURCE_CALENDARS: dave,
        CALSYNC_INVITE_EMAIL: 'family@group.calendar.test',
        CALSYNC_GOOGLE_TOKEN_URL: 'http://127.0.0.1:1/token',
      });
      expect(r.code).toBe(1);
      expect(r.firstLine).toMatch(
        /^CALSYNC WARNING - dave@example.com: could not reach the OAuth token endpoint/,
      );
    } finally {
      await own.cleanup();
    }
  });
});
