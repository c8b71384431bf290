/**
 * Records test/fixtures/previous-release.json: the state file and the events
 * a previous calsync release wrote for a small household (no `calsyncTarget`,
 * `cs` ids, `calsyncInvited=1`), for test/migration-e2e.test.ts. Not a test:
 * run by hand against a build of the previous release, e.g.
 *
 *   git archive <commit> | tar -x -C /tmp/prev && ln -s "$PWD/node_modules" /tmp/prev/
 *   (cd /tmp/prev && npx tsc -p tsconfig.build.json && node scripts/bundle.mjs)
 *   npm run build && node test/tools/record-previous-release.mjs /tmp/prev <commit>
 *
 * Dates are in 2030, so the fixture stays in every listing's window for years.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { samples, startEmulator } from '../../dist/emulator/index.js';

const [prev, commit] = process.argv.slice(2);
if (!prev || !commit)
  throw new Error('usage: record-previous-release.mjs <previous release dir> <its commit>');
const ALICE = 'alice@example.test';
const SHARED = 'family@group.calendar.test';

const emu = await startEmulator({ quotaPerMinute: null });
for (const a of [ALICE, SHARED, 'bob@corp.test']) emu.addAccount(a);
emu.addCalendar(SHARED, { owner: SHARED, writers: [ALICE], readers: [], summary: 'Family' });
emu.seedEvent(ALICE, { ...samples.birthdayEvent({ summary: 'Tom', date: '2030-06-03' }), id: 'bday0tom' });
emu.seedEvent(ALICE, {
  ...samples.gmailEvent({
    summary: 'Flight BA 117',
    start: '2030-06-04T08:00:00Z',
    end: '2030-06-04T16:00:00Z',
  }),
  id: 'flight0ba117',
});
emu.seedEvent(ALICE, {
  ...samples.meeting({
    summary: 'Dentist',
    start: '2030-06-01T09:00:00Z',
    end: '2030-06-01T10:00:00Z',
    attendees: ['jo@example.test'],
  }),
  id: 'dentist01',
});
emu.seedEvent(ALICE, {
  ...samples.meeting({
    summary: 'Board meeting',
    start: '2030-06-02T14:00:00Z',
    end: '2030-06-02T15:00:00Z',
    organizer: 'bob@corp.test',
    attendees: ['bob@corp.test', { email: ALICE, responseStatus: 'accepted' }],
  }),
  id: 'board01',
});

const dir = mkdtempSync(join(tmpdir(), 'calsync-record-'));
mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
chmodSync(dir, 0o700);
for (const a of [ALICE, SHARED]) {
  const file = join(dir, 'tokens', `${a}.json`);
  writeFileSync(file, JSON.stringify(emu.authorizedUser(a)), { mode: 0o600 });
}
const env = {
  PATH: process.env.PATH,
  HOME: dir,
  CALSYNC_CONFIG_DIR: dir,
  NO_COLOR: '1',
  CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
  CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
  CALSYNC_SOURCE_CALENDARS: ALICE,
  CALSYNC_INVITE_EMAIL: SHARED,
};
for (let i = 0; i < 2; i++) {
  // The emulator answers in this process: the child must run alongside it, not block it.
  const child = await new Promise((done) => {
    const c = spawn(process.execPath, [resolve(prev, 'bin/calsync.js'), 'poll'], { env, stdio: 'inherit' });
    c.on('exit', (code) => done(code));
  });
  if (child !== 0) throw new Error(`the previous release's poll exited ${child}`);
}
const fixture = {
  recordedWith: commit,
  state: JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')),
  events: Object.fromEntries([ALICE, SHARED].map((cal) => [cal, emu.listEvents(cal).map((e) => ({ ...e }))])),
};
writeFileSync(
  resolve(import.meta.dirname, '../fixtures/previous-release.json'),
  `${JSON.stringify(fixture, null, 2)}\n`,
);
await emu.close();
process.stdout.write('recorded test/fixtures/previous-release.json\n');
