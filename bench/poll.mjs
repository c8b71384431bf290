/* global console, process */
// Benchmarks of `calsync poll` against the emulator, with the real binary:
// API calls of an idle poll, a 2,000-event first sync under Google's default
// per-user quota in units (units over the minimum, elapsed over the quota-optimal time), peak RSS, and the wall
// time of an idle poll over `node -e 0`, measured side by side in one run.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, samples } from '../dist/emulator/index.js';
import { EventTable, openState } from '../dist/state/index.js';
import { BIN, describeCleanEnv, fmt, median, systemdEnv, timed, worldEnv } from './lib.mjs';

const SHARED = 'family@group.calendar.test';
const day = (d, h) => {
  const t = new Date();
  t.setUTCHours(h, 0, 0, 0);
  t.setUTCDate(t.getUTCDate() + d);
  return t.toISOString();
};

async function idleCalls() {
  const emu = await startEmulator({ quotaPerMinute: null });
  const sources = ['a@bench.test', 'b@bench.test', 'c@bench.test'];
  for (const a of [...sources, SHARED]) emu.addAccount(a);
  emu.addCalendar(SHARED, { owner: SHARED, writers: sources });
  for (const s of sources)
    for (let i = 0; i < 20; i++)
      emu.seedEvent(
        s,
        samples.meeting({ summary: `m${i}`, start: day(1 + (i % 5), 9), end: day(1 + (i % 5), 10) }),
      );
  const w = worldEnv(
    emu,
    [...sources, SHARED],
    { CALSYNC_SOURCE_CALENDARS: sources.join(','), CALSYNC_INVITE_EMAIL: SHARED },
    { quotaUnitsPerSecond: 100 },
  );
  await timed(process.execPath, [BIN, 'poll'], w.env);
  await timed(process.execPath, [BIN, 'poll'], w.env);
  emu.clearRequestLog();
  await timed(process.execPath, [BIN, 'poll'], w.env);
  const calls = emu.requests.filter((r) => r.path.startsWith('/calendar/v3/')).length;
  const tokenCalls = emu.requests.filter((r) => r.path === '/token').length;
  console.log(
    `idle poll: ${calls} Calendar API calls for ${sources.length} calendars = ${fmt(calls / sources.length, 2)} per calendar (goal: exactly 1); ${tokenCalls} token requests (goal: 0 while the cached tokens are valid)`,
  );
  await emu.close();
  w.cleanup();
}

/** Google's list page size the minimum is counted in (one request per page of 250). */
const LIST_PAGE = 250;

async function firstSync(total) {
  const emu = await startEmulator({ quotaPerMinute: 600 });
  const sources = ['a@bench.test', 'b@bench.test'];
  const boss = 'boss@bench.test';
  for (const a of [...sources, SHARED, boss]) emu.addAccount(a);
  // A group calendar both accounts may write; it has no token of its own (mirrors are the sources' to write).
  emu.addCalendar(SHARED, { owner: SHARED, writers: sources });
  const per = total / sources.length;
  // Events that each need exactly one write: birthday copies, Gmail copies, invites, mirrors.
  for (const s of sources) {
    for (let i = 0; i < per; i++) {
      const d = 1 + (i % 300);
      const kind = i % 4;
      if (kind === 0)
        emu.seedEvent(s, samples.birthdayEvent({ summary: `b${i}`, date: day(d, 0).slice(0, 10) }));
      else if (kind === 1)
        emu.seedEvent(s, samples.gmailEvent({ summary: `Trip ${i}`, start: day(d, 8), end: day(d, 9) }));
      else if (kind === 2)
        emu.seedEvent(
          s,
          samples.meeting({
            summary: `Own ${i}`,
            start: day(d, 10),
            end: day(d, 11),
            attendees: [{ email: 'guest@bench.test', responseStatus: 'accepted' }],
          }),
        );
      else
        emu.seedEvent(
          s,
          samples.meeting({
            summary: `Theirs ${s} ${i}`,
            start: day(d, 12),
            end: day(d, 13),
            organizer: boss,
            attendees: [boss, { email: s, responseStatus: 'accepted' }],
          }),
        );
    }
  }
  const w = worldEnv(
    emu,
    sources,
    { CALSYNC_SOURCE_CALENDARS: sources.join(','), CALSYNC_INVITE_EMAIL: SHARED },
    { maxWritesPerPoll: total * 2 },
  );
  console.log(
    `first sync: ${total} events needing one write each (birthday and Gmail copies, invites, mirrors) on ${sources.length} accounts, emulator quota 600 units/minute per user (takes ~${Math.round((total / sources.length / 9.5) * 1.1)} s)...`,
  );
  emu.clearRequestLog();
  const run = await timed(process.execPath, [BIN, 'poll', '--json'], w.env);
  const report = JSON.parse(run.stdout || '{}');
  const units = new Map();
  for (const r of emu.requests)
    if (r.path.startsWith('/calendar/v3/') && r.account)
      units.set(r.account, (units.get(r.account) ?? 0) + (r.units ?? 1));
  // The minimum: one list request per page of 250 plus one unit per action, per account.
  const actions = new Map();
  for (const a of report.actions ?? [])
    if (a.result === 'done') actions.set(a.calendarId, (actions.get(a.calendarId) ?? 0) + 1);
  const minimum = new Map(
    sources.map((s) => [
      s,
      Math.ceil((report.calendars?.find((c) => c.calendarId === s)?.changes ?? 0) / LIST_PAGE) +
        (actions.get(s) ?? 0),
    ]),
  );
  const used = sources.reduce((n, s) => n + (units.get(s) ?? 0), 0);
  const min = sources.reduce((n, s) => n + (minimum.get(s) ?? 0), 0);
  // Accounts run side by side: the busiest one's minimum at 10 units a second (600 a minute) is the optimal time.
  const busiestMin = Math.max(...minimum.values());
  const optimalMs = (busiestMin / 10) * 1000;
  const limited = emu.requests.filter((r) => r.status === 403 || r.status === 429).length;
  const failed = (report.calendars ?? []).reduce((n, c) => n + c.failed, 0);
  const failureCounter = Object.values(
    JSON.parse((await import('node:fs')).readFileSync(join(w.dir, 'state.json'), 'utf8')).metrics.failure,
  ).reduce((a, b) => a + b, 0);
  // How fast the busiest account went once it started: the pacer's rate, or less when latency limits it.
  const busiest = [...minimum.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const times = emu.requests.filter((r) => r.account === busiest && r.units).map((r) => r.at);
  const spanS = (Math.max(...times) - Math.min(...times)) / 1000;
  const byKind = {};
  for (const a of report.actions ?? [])
    if (a.result === 'done') byKind[a.action] = (byKind[a.action] ?? 0) + 1;
  console.log(
    `  actions done: ${Object.entries(byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  console.log(
    `  quota units used ${used} / minimum ${min} (list pages of ${LIST_PAGE} + one per action) = ${fmt(used / min, 3)} (goal <= 1.05)`,
  );
  console.log(
    `  elapsed ${fmt(run.ms / 1000)} s / optimal ${fmt(optimalMs / 1000)} s (busiest account's minimum ${busiestMin} units at 10/s) = ${fmt(run.ms / optimalMs, 3)} (goal <= 1.1)`,
  );
  console.log(
    `  busiest account: ${units.get(busiest)} units in ${fmt(spanS)} s from its first request to its last = ${fmt(units.get(busiest) / spanS, 2)} units/s (pacer ${report.quotaUnitsPerSecond ?? 9.5}); the rest of the elapsed time is start-up and exit`,
  );
  console.log(
    `  exit ${run.code}; failed events ${failed}; 403/429 answered ${limited}; failures counted ${failureCounter} (goal: 0); peak RSS ${fmt(run.rssMb)} MB`,
  );
  await emu.close();
  w.cleanup();
}

async function idleWithBigState() {
  const emu = await startEmulator({ quotaPerMinute: null });
  const src = 'a@bench.test';
  for (const a of [src, SHARED]) emu.addAccount(a);
  // As in a household: the shared calendar is shared with the source account.
  emu.addCalendar(SHARED, { owner: SHARED, writers: [src] });
  const w = worldEnv(emu, [src, SHARED], { CALSYNC_SOURCE_CALENDARS: src, CALSYNC_INVITE_EMAIL: SHARED });
  await timed(process.execPath, [BIN, 'poll'], w.env);
  const store = await openState(w.dir);
  const entries = (store.state.events[src] ??= new EventTable());
  for (let i = 0; i < 100_000; i++)
    entries.set(`ev${i.toString(32)}x`, {
      action: 'mirror',
      at: 1_767_225_600,
      end: 1_798_761_600,
      rule: 'mirror',
      copyId: `cs${i.toString(32)}`,
      copyCalendar: SHARED,
      sourceUpdated: 1_767_225_600_000,
    });
  await store.save();
  const polls = [];
  const bare = [];
  for (let i = 0; i < 7; i++) {
    bare.push((await timed(process.execPath, ['-e', '0'], systemdEnv())).ms);
    polls.push(await timed(process.execPath, [BIN, 'poll'], w.env));
  }
  console.log(
    `idle poll with 100,000 state entries: median ${fmt(median(polls.map((p) => p.ms)), 0)} ms, peak RSS ${fmt(median(polls.map((p) => p.rssMb ?? 0)))} MB`,
  );
  await emu.close();
  w.cleanup();
  return median(bare);
}

async function idleOverNode() {
  const emu = await startEmulator({ quotaPerMinute: null });
  const src = 'a@bench.test';
  for (const a of [src, SHARED]) emu.addAccount(a);
  // As in a household: the shared calendar is shared with the source account (one that
  // cannot read it makes every poll try the invitation check again, and fail it).
  emu.addCalendar(SHARED, { owner: SHARED, writers: [src] });
  emu.seedEvent(src, samples.meeting({ summary: 'x', start: day(1, 9), end: day(1, 10) }));
  const w = worldEnv(emu, [src, SHARED], { CALSYNC_SOURCE_CALENDARS: src, CALSYNC_INVITE_EMAIL: SHARED });
  // The first poll invites the shared calendar, the second sees the invitation arrive: then it is idle.
  for (let i = 0; i < 2; i++) await timed(process.execPath, [BIN, 'poll'], w.env);
  const before = emu.requests.length;
  const polls = [];
  const bare = [];
  for (let i = 0; i < 9; i++) {
    bare.push((await timed(process.execPath, ['-e', '0'], systemdEnv())).ms);
    polls.push((await timed(process.execPath, [BIN, 'poll'], w.env)).ms);
  }
  const p = median(polls);
  const b = median(bare);
  const requests = (emu.requests.length - before) / polls.length;
  console.log(
    `idle poll wall time (both in the clean environment): median ${fmt(p, 0)} ms vs node -e 0 ${fmt(b, 0)} ms, ratio ${fmt(p / b, 2)} (goal <= 3); ${fmt(requests, 2)} requests a poll`,
  );
  await emu.close();
  w.cleanup();
}

export async function run({ events = Number(process.env.BENCH_EVENTS ?? 2000) } = {}) {
  console.log('== poll ==');
  console.log(describeCleanEnv());
  // BENCH_ONLY=firstSync or BENCH_ONLY=idle runs that part alone (development).
  if (process.env.BENCH_ONLY !== 'firstSync') {
    await idleCalls();
    await idleOverNode();
    await idleWithBigState();
  }
  if (process.env.BENCH_ONLY !== 'idle') await firstSync(events);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
