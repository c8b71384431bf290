/* global console, process */
// Benchmarks of `calsync poll` against the emulator, with the real binary:
// API calls of an idle poll, a 2,000-event first sync under Google's default
// per-user quota (elapsed over the quota-optimal time), peak RSS, and the wall
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
    { requestsPerSecond: 100 },
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

async function firstSync(total) {
  const emu = await startEmulator({ quotaPerMinute: 600 });
  const sources = ['a@bench.test', 'b@bench.test'];
  for (const a of [...sources, SHARED]) emu.addAccount(a);
  emu.addCalendar(SHARED, { owner: SHARED, writers: sources });
  const per = total / sources.length;
  // Events that each need one write: Gmail copies and birthday copies.
  for (const s of sources) {
    for (let i = 0; i < per; i++) {
      if (i % 4 === 0)
        emu.seedEvent(
          s,
          samples.birthdayEvent({ summary: `b${i}`, date: day(1 + (i % 300), 0).slice(0, 10) }),
        );
      else
        emu.seedEvent(
          s,
          samples.gmailEvent({
            summary: `Trip ${i}`,
            start: day(1 + (i % 300), 8),
            end: day(1 + (i % 300), 9),
          }),
        );
    }
  }
  const w = worldEnv(
    emu,
    [...sources, SHARED],
    { CALSYNC_SOURCE_CALENDARS: sources.join(','), CALSYNC_INVITE_EMAIL: SHARED },
    { maxWritesPerPoll: total * 2 },
  );
  console.log(
    `first sync: ${total} events needing action on ${sources.length} accounts, emulator quota 600 requests/minute per user (takes a few minutes)...`,
  );
  const run = await timed(process.execPath, [BIN, 'poll', '--json'], w.env);
  const report = JSON.parse(run.stdout || '{}');
  const perAccount = new Map();
  for (const r of emu.requests)
    if (r.path.startsWith('/calendar/v3/') && r.account)
      perAccount.set(r.account, (perAccount.get(r.account) ?? 0) + 1);
  const worst = Math.max(...perAccount.values());
  const optimalMs = (worst / 600) * 60_000;
  const limited = emu.requests.filter((r) => r.status === 403).length;
  const failed = (report.calendars ?? []).reduce((n, c) => n + c.failed, 0);
  const failureCounter = Object.values(
    JSON.parse((await import('node:fs')).readFileSync(join(w.dir, 'state.json'), 'utf8')).metrics.failure,
  ).reduce((a, b) => a + b, 0);
  console.log(
    `  elapsed ${fmt(run.ms / 1000)} s; quota-optimal ${fmt(optimalMs / 1000)} s (${worst} requests by the busiest account at 600/min); ratio ${fmt(run.ms / optimalMs, 2)} (goal <= 1.1)`,
  );
  console.log(
    `  exit ${run.code}; failed events ${failed}; 403s answered by the emulator ${limited}; failures counted ${failureCounter} (goal: 0); peak RSS ${fmt(run.rssMb)} MB (goal < 120)`,
  );
  await emu.close();
  w.cleanup();
}

async function idleWithBigState() {
  const emu = await startEmulator({ quotaPerMinute: null });
  const src = 'a@bench.test';
  for (const a of [src, SHARED]) emu.addAccount(a);
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
  emu.seedEvent(src, samples.meeting({ summary: 'x', start: day(1, 9), end: day(1, 10) }));
  const w = worldEnv(emu, [src, SHARED], { CALSYNC_SOURCE_CALENDARS: src, CALSYNC_INVITE_EMAIL: SHARED });
  await timed(process.execPath, [BIN, 'poll'], w.env);
  const polls = [];
  const bare = [];
  for (let i = 0; i < 9; i++) {
    bare.push((await timed(process.execPath, ['-e', '0'], systemdEnv())).ms);
    polls.push((await timed(process.execPath, [BIN, 'poll'], w.env)).ms);
  }
  const p = median(polls);
  const b = median(bare);
  console.log(
    `idle poll wall time (both in the clean environment): median ${fmt(p, 0)} ms vs node -e 0 ${fmt(b, 0)} ms, ratio ${fmt(p / b, 2)} (goal <= 3)`,
  );
  await emu.close();
  w.cleanup();
}

export async function run({ events = Number(process.env.BENCH_EVENTS ?? 2000) } = {}) {
  console.log('== poll ==');
  console.log(describeCleanEnv());
  await idleCalls();
  await idleOverNode();
  await idleWithBigState();
  await firstSync(events);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
