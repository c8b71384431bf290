/* global console, process, setTimeout */
// How long a poll takes to stop after SIGTERM while a request to Google hangs
// (the host accepts it and never answers), through the real binary: (a) a
// listing hangs, (b) a write hangs (carried out, its answer never comes).
// Goal: the clean path (state saved, lock released, exit 143) well inside
// the 8 s backstop (cli/stop-signals.ts STOP_BACKSTOP_MS), which is where a
// stop ended before requests took the stop signal. Nothing is asserted; the
// figures are printed. Before (a listing or a write hanging): 8.0 s, from the
// backstop, and a hung listing's stop saved nothing.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startEmulator, samples } from '../dist/emulator/index.js';
import { BIN, median, worldEnv } from './lib.mjs';

const SHARED = 'family@group.calendar.test';
const SOURCES = ['a@bench.test', 'b@bench.test'];
const RUNS = 3;
const BACKSTOP_S = 8;

const secs = (ms) => (ms / 1000).toFixed(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether the save of the stop's clean path happened: it writes why b's poll did not finish. */
function savedStop(dir) {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  return /stopped/.test(state.calendars?.[SOURCES[1]]?.lastError ?? '');
}

/** One stopped poll: ms from SIGTERM to exit, the exit code, and how the stop ended. */
async function stoppedPoll(scenario) {
  const emu = await startEmulator({ quotaPerMinute: null });
  for (const a of [...SOURCES, SHARED]) emu.addAccount(a);
  emu.addCalendar(SHARED, { owner: SHARED, writers: SOURCES });
  const w = worldEnv(emu, [...SOURCES, SHARED], {
    CALSYNC_SOURCE_CALENDARS: SOURCES.join(','),
    CALSYNC_INVITE_EMAIL: SHARED,
  });
  try {
    // A working install first: sync tokens and cached access tokens, as a person's has.
    await new Promise((r) =>
      spawn(process.execPath, [BIN, 'poll'], { env: w.env, stdio: 'ignore' }).on('close', r),
    );
    const hung = scenario.arm(emu);
    const mark = emu.requests.length;
    const child = spawn(process.execPath, [BIN, 'poll'], { env: w.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise((r) => child.on('close', (code) => r(code)));
    while (!emu.requests.slice(mark).some(hung)) await sleep(5);
    // The request is in flight and will never be answered.
    await sleep(200);
    const signalled = performance.now();
    child.kill('SIGTERM');
    const code = await closed;
    const ms = performance.now() - signalled;
    return {
      ms,
      code,
      backstop: stderr.includes('did not stop within'),
      saved: savedStop(w.dir),
      lock: existsSync(join(w.dir, 'state.lock')),
    };
  } finally {
    await emu.close();
    w.cleanup();
  }
}

const SCENARIOS = [
  {
    label: 'a listing hangs',
    arm(emu) {
      emu.injectFaults({ method: 'GET', pathIncludes: `/calendars/${SOURCES[1]}/events`, hang: true });
      return (r) => r.method === 'GET' && r.path.endsWith(`/calendars/${SOURCES[1]}/events`);
    },
  },
  {
    label: 'a write hangs (made, never answered)',
    arm(emu) {
      for (let i = 0; i < 3; i++)
        emu.seedEvent(
          SOURCES[1],
          samples.meeting({
            summary: `m${i}`,
            start: `2030-01-0${7 + i}T09:00:00Z`,
            end: `2030-01-0${7 + i}T10:00:00Z`,
          }),
        );
      emu.injectFaults({ method: 'PUT', answerAfterMs: 600_000 });
      return (r) => r.method === 'PUT';
    },
  },
];

export async function run() {
  console.log(`== stop: SIGTERM to exit of a poll while a request to Google hangs (${RUNS} runs each) ==`);
  for (const scenario of SCENARIOS) {
    const results = [];
    for (let i = 0; i < RUNS; i++) results.push(await stoppedPoll(scenario));
    const codes = [...new Set(results.map((r) => r.code))].join('/');
    const ends = results.map((r) => (r.backstop ? 'backstop' : 'clean')).join(', ');
    const saved = results.filter((r) => r.saved).length;
    const locks = results.filter((r) => r.lock).length;
    console.log(
      `${scenario.label}: median ${secs(median(results.map((r) => r.ms)))} s, max ${secs(Math.max(...results.map((r) => r.ms)))} s (backstop: ${BACKSTOP_S} s), exit ${codes} (goal: 143), ended by: ${ends}, state saved with the stop ${saved}/${RUNS}, lock left ${locks}/${RUNS}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
