/**
 * `calsync demo`: the main job end to end with no Google account. Starts the
 * bundled emulator in-process, seeds two accounts and a shared calendar, runs
 * the real poll over HTTP, changes a flight and cancels meetings, polls again,
 * and shows the copies following. Everything lives in a temp dir that is
 * removed afterwards.
 */
import { terminalText } from '../util/terminal-text.js';
import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator, GoogleEvent } from '../emulator/index.js';
import type { PollReport } from '../sync/poll.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';
import { table } from './table.js';
import { docPath } from '../util/docs.js';

function when(e: GoogleEvent): string {
  const start = e.start?.dateTime ?? e.start?.date ?? '';
  return start
    .replace('T', ' ')
    .replace(/:00(\.000)?Z$/, 'Z')
    .replace(/:00([+-]\d\d:\d\d)$/, '$1');
}

/** What each poll did; after the first, the echoes of calsync's own writes are only counted. */
function actionsTable(report: PollReport, names: Map<string, string>, showSkips: boolean): string {
  const shown = report.actions.filter((a) => showSkips || a.result !== 'skipped');
  const rows = shown.map((a) => [
    a.calendarId.split('@')[0] ?? a.calendarId,
    terminalText(a.summary ?? names.get(a.eventId) ?? a.eventId, 34),
    a.result === 'done' ? a.action : a.result,
    terminalText(a.reason ?? ''),
  ]);
  const hidden = report.actions.length - shown.length;
  const note = hidden
    ? `   (${hidden} more changes seen and skipped: calsync's own copies and invites coming back)\n`
    : '';
  return table([['calendar', 'event', 'what calsync did', 'why / note'], ...rows]) + note;
}

/** The id of the occurrence `weeks` after a series' first one (Google's instance id format). */
function occurrenceId(master: GoogleEvent, weeks: number): string {
  const first = new Date(master.start?.dateTime ?? Date.now());
  const when = new Date(first.getTime() + weeks * 7 * 86_400_000);
  return `${master.id ?? ''}_${when
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
}

function sharedTable(emu: Emulator, shared: string): string {
  const events = emu.listEvents(shared).sort((a, b) => when(a).localeCompare(when(b)));
  const rows = events.map((e) => [
    when(e),
    terminalText(e.summary ?? '', 40),
    e.recurrence?.length ? 'recurring' : '',
    e.organizer?.email ?? '',
  ]);
  return table([['starts', 'summary', '', 'organizer'], ...rows]);
}

function shiftHours(iso: string | null | undefined, hours: number): string {
  return new Date(new Date(iso ?? Date.now()).getTime() + hours * 3_600_000).toISOString();
}

async function demo(cmd: Command): Promise<void> {
  const g = globalOptions(cmd);
  applyLogLevel(g, 'warn');
  const [{ startEmulator }, { seedDemo }, { loadSettings }, { runPoll }, { runPurge }] = await Promise.all([
    import('../emulator/index.js'),
    import('../emulator/demo-seed.js'),
    import('../config/index.js'),
    import('../sync/poll.js'),
    import('../purge/run.js'),
  ]);
  const emu = await startEmulator({ quotaPerMinute: null });
  const dir = mkdtempSync(join(tmpdir(), 'calsync-demo-'));
  const say = (text: string) => {
    if (!g.json) process.stdout.write(text);
  };
  try {
    const seed = seedDemo(emu);
    mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
    for (const account of [...seed.sourceCalendars, seed.inviteEmail]) {
      writeFileSync(join(dir, 'tokens', `${account}.json`), JSON.stringify(emu.authorizedUser(account)), {
        mode: 0o600,
      });
    }
    const { settings } = loadSettings({
      env: {},
      flags: {
        configDir: dir,
        sourceCalendars: seed.sourceCalendars,
        inviteEmail: seed.inviteEmail,
        googleApiRoot: `${emu.url}/`,
        googleTokenUrl: `${emu.url}/token`,
        googleAuthUrl: `${emu.url}/o/oauth2/v2/auth`,
        googleRevokeUrl: `${emu.url}/revoke`,
      },
    });
    say(`calsync demo: a local Google Calendar emulator at ${emu.url}\n`);
    say(`source calendars: ${seed.sourceCalendars.join(', ')}\nshared calendar:  ${seed.inviteEmail}\n\n`);

    const names = new Map<string, string>();
    for (const cal of seed.sourceCalendars)
      for (const e of emu.listEvents(cal)) names.set(e.id ?? '', e.summary ?? '');

    const first = await runPoll({ settings, trigger: 'demo' });
    say(
      `1. First poll (${first.apiCalls} API calls, ${first.writes} writes):\n${actionsTable(first, names, true)}\n`,
    );
    say(`   The shared calendar now shows:\n${sharedTable(emu, seed.inviteEmail)}\n`);

    // A person's changes: the flight moves by two hours, dinner is cancelled.
    const personal = seed.sourceCalendars[0] ?? '';
    const flight = emu.listEvents(personal).find((e) => e.eventType === 'fromGmail');
    const dinner = emu.listEvents(personal).find((e) => e.summary?.startsWith('Dinner'));
    if (flight?.id)
      emu.updateEvent(personal, flight.id, {
        start: { dateTime: shiftHours(flight.start?.dateTime, 2) },
        end: { dateTime: shiftHours(flight.end?.dateTime, 2) },
      });
    if (dinner?.id) emu.cancelEvent(personal, dinner.id);
    // The team lead moves next week's standup by an hour and cancels the one after.
    const work = seed.sourceCalendars[1] ?? '';
    const standup = emu.listEvents(work).find((e) => e.recurrence?.length);
    if (standup?.id) {
      const moved = occurrenceId(standup, 1);
      const start = new Date(Date.parse(standup.start?.dateTime ?? '') + 7 * 86_400_000 + 3_600_000);
      emu.updateEvent(work, moved, {
        summary: 'Team standup (moved)',
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 15 * 60_000).toISOString() },
      });
      emu.cancelEvent(work, occurrenceId(standup, 2));
      names.set(moved, 'Team standup (moved)');
      names.set(occurrenceId(standup, 2), 'Team standup (one occurrence)');
    }
    say(
      "2. Meanwhile: the flight moves two hours later, dinner is cancelled, next week's standup\n   moves an hour later and the one after is cancelled.\n\n",
    );

    const second = await runPoll({ settings, trigger: 'demo' });
    say(
      `3. Second poll (${second.apiCalls} API calls, ${second.writes} writes):\n${actionsTable(second, names, false)}\n`,
    );
    say(`   The shared calendar now shows:\n${sharedTable(emu, seed.inviteEmail)}`);
    const mirror = emu
      .listEvents(seed.inviteEmail)
      .find((e) => e.recurrence?.length && e.summary === standup?.summary);
    const exceptions = mirror?.id
      ? emu
          .listEvents(seed.inviteEmail, { includeCancelled: true })
          .filter((e) => e.recurringEventId === mirror.id)
      : [];
    for (const e of exceptions)
      say(
        `   The mirrored standup's occurrence of ${when({ start: e.originalStartTime })} is ${e.status === 'cancelled' ? 'cancelled' : `moved to ${when(e)}`}.\n`,
      );
    if (dinner?.summary && !emu.listEvents(seed.inviteEmail).some((e) => e.summary === dinner.summary)) {
      say(
        `   "${dinner.summary}" left the shared calendar with no write: cancelling an event withdraws its invitations.\n`,
      );
    }
    say('\n');

    const third = await runPoll({ settings, trigger: 'demo' });
    say(
      `4. A third poll with nothing new: ${third.apiCalls} API calls (one list per calendar), ${third.writes} writes.\n`,
    );
    const shared = emu.listEvents(seed.inviteEmail);

    // Leaving: purge finds everything calsync made by its markers on Google and takes it back.
    const purge = await runPurge({ settings });
    const left = emu.listEvents(seed.inviteEmail).length;
    say(
      `5. calsync purge: ${purge.items.filter((i) => i.result !== 'failed').length} removed (${purge.items.map((i) => i.kind).join(', ')}); the shared calendar now holds ${left} events, and the sources only their own.\n\n`,
    );
    say(
      [
        `What to try next, against your own Google account (${docPath('google-setup.md')}):`,
        '  calsync auth you@gmail.com --client-secrets client_secret.json   sign in',
        '  calsync poll --dry-run                                          what calsync would do',
        '  calsync explain "Dentist"                                       why an event is (not) shared',
        '  calsync systemd install                                         run it every 5 minutes',
        '  calsync purge --dry-run                                         what leaving would remove',
        '',
      ].join('\n'),
    );
    if (g.json) printJson({ polls: [first, second, third], shared, purge });
    process.exitCode = [first, second, third, purge].some((r) => r.exitCode !== 0) ? 1 : 0;
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the real poll against a bundled Google Calendar emulator with sample events')
    .action((_flags: unknown, cmd: Command) => demo(cmd));
}
