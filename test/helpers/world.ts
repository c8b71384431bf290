/**
 * A small Google world for end-to-end tests of the poll: source accounts, a
 * shared calendar, tokens on disk, and the environment that points the built
 * binary at the emulator.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator, type GoogleEvent } from '../../src/emulator/index.js';
import { parseState } from '../../src/state/index.js';
import type { State } from '../../src/state/index.js';
import { cliEnv, type CliEnv } from './cli.js';

export const SHARED = 'family@group.calendar.test';

export interface World {
  emu: Emulator;
  cli: CliEnv;
  sources: string[];
  close(): Promise<void>;
  state(): State | undefined;
  /** Calendar API writes the emulator received (inserts, patches, updates, deletes). */
  writes(): number;
  /** events.list calls the emulator received, per calendar. */
  listCalls(): number;
  calendarRequests(): number;
}

export interface WorldOptions {
  sources?: string[];
  quotaPerMinute?: number | null;
  env?: Record<string, string>;
  /** Who may write the shared calendar (default: every source); the other sources may read it. */
  sharedWriters?: string[];
  /** Whether the shared calendar's own address has a token file (default true; a group calendar has none). */
  sharedToken?: boolean;
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const sources = opts.sources ?? ['alice@example.test'];
  const emu = await startEmulator({ quotaPerMinute: opts.quotaPerMinute ?? null });
  for (const a of [...sources, SHARED]) emu.addAccount(a);
  emu.addAccount('bob@corp.test');
  const writers = opts.sharedWriters ?? sources;
  emu.addCalendar(SHARED, {
    owner: SHARED,
    writers,
    readers: sources.filter((s) => !writers.includes(s)),
    summary: 'Family',
  });
  const cli = cliEnv(emu, {
    CALSYNC_SOURCE_CALENDARS: sources.join(','),
    CALSYNC_INVITE_EMAIL: SHARED,
    ...opts.env,
  });
  for (const a of opts.sharedToken === false ? sources : [...sources, SHARED])
    cli.writeToken(a, emu.authorizedUser(a));
  const calendarReqs = () => emu.requests.filter((r) => r.path.startsWith('/calendar/v3/'));
  return {
    emu,
    cli,
    sources,
    async close() {
      await emu.close();
      cli.cleanup();
    },
    state() {
      const file = join(cli.dir, 'state.json');
      if (!existsSync(file)) return undefined;
      const parsed = parseState(readFileSync(file, 'utf8'), file);
      if (!parsed.ok) throw new Error(`${file} is corrupt: ${parsed.problem}`);
      return parsed.state;
    },
    writes: () => calendarReqs().filter((r) => r.method !== 'GET').length,
    listCalls: () => calendarReqs().filter((r) => r.method === 'GET' && /\/events$/.test(r.path)).length,
    calendarRequests: () => calendarReqs().length,
  };
}

export const at = (daysFromNow: number, hour: number): string => {
  const d = new Date();
  d.setUTCHours(hour, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + daysFromNow);
  return d.toISOString();
};

/** How many live events on a calendar have this summary. */
export function countBySummary(emu: Emulator, calendarId: string, summary: string): number {
  return emu.listEvents(calendarId).filter((e: GoogleEvent) => e.summary === summary).length;
}

export function attendeeCount(event: GoogleEvent | undefined, email: string): number {
  return (event?.attendees ?? []).filter((a) => a.email?.toLowerCase() === email.toLowerCase()).length;
}
