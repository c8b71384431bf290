/* global console, process */
// A poll of 3 calendars with Google unreachable, through the real binary and
// with the real retry waits and request time-out (no CALSYNC_RETRY_SCALE):
// (a) connection refused (a port nothing listens on), (b) a black hole that
// accepts connections and never answers, both with the API root and the token
// URL pointing there, as when the network is down; (c) the API host a black
// hole while the token host answers (oauth2.googleapis.com fine,
// www.googleapis.com hanging), for 3 calendars and for one (`--calendar`:
// fewer requests side by side to make the outage's streak). Goal: each ends
// within 30 s (before google/outage.ts: 255 s; (c) with one calendar before
// the time-out's weight: 41 s), exits 1, keeps every sync token and prints no
// URL query. Nothing is asserted; the figures are printed.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, samples } from '../dist/emulator/index.js';
import { BIN, fmt, timed, worldEnv } from './lib.mjs';

const SHARED = 'family@group.calendar.test';
const SOURCES = ['a@bench.test', 'b@bench.test', 'c@bench.test'];
const GOAL_S = 30;

/** A port that refuses connections: bound once, then closed. */
async function closedPort() {
  const server = createHttpServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Accepts every connection and never answers; closes them all at the end. */
async function blackHole() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(r);
      }),
  };
}

function syncTokens(dir) {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  return SOURCES.map((s) => state.calendars?.[s]?.syncToken);
}

/**
 * One poll with the hosts `down` names unreachable. `down.api` and
 * `down.token` are `host:port` of what stands in for the API and token hosts;
 * either left out stays the emulator.
 */
async function unreachablePoll(label, down, calendars = SOURCES) {
  const emu = await startEmulator({ quotaPerMinute: null });
  for (const a of [...SOURCES, SHARED]) emu.addAccount(a);
  emu.addCalendar(SHARED, { owner: SHARED, writers: SOURCES });
  for (const s of SOURCES)
    emu.seedEvent(
      s,
      samples.meeting({ summary: 'standup', start: '2030-01-07T09:00:00Z', end: '2030-01-07T09:30:00Z' }),
    );
  const w = worldEnv(emu, [...SOURCES, SHARED], {
    CALSYNC_SOURCE_CALENDARS: SOURCES.join(','),
    CALSYNC_INVITE_EMAIL: SHARED,
  });
  // A working install first: sync tokens and cached access tokens, as a person's has.
  await timed(process.execPath, [BIN, 'poll'], w.env);
  const before = syncTokens(w.dir).slice(0, calendars.length);
  const only = calendars.length < SOURCES.length ? calendars.flatMap((c) => ['--calendar', c]) : [];
  const res = await timed(process.execPath, [BIN, 'poll', ...only], {
    ...w.env,
    ...(down.api ? { CALSYNC_GOOGLE_API_ROOT: `http://${down.api}/` } : {}),
    ...(down.token ? { CALSYNC_GOOGLE_TOKEN_URL: `http://${down.token}/token` } : {}),
  });
  const after = syncTokens(w.dir).slice(0, calendars.length);
  const kept = before.every((t, i) => t !== undefined && t === after[i]);
  const output = res.stdout + res.stderr;
  const query = /https?:\/\/\S*\?/.test(output);
  const note = /Google unreachable: [^\n]*/.exec(output)?.[0] ?? '(no "Google unreachable" line)';
  console.log(
    `${label}: ${fmt(res.ms / 1000)} s (goal: within ${GOAL_S} s), exit ${res.code} (goal: 1), sync tokens ${kept ? 'kept' : 'LOST'}, ${query ? 'a URL query WAS printed' : 'no URL query printed'}; note: ${note}`,
  );
  await emu.close();
  w.cleanup();
}

export async function run() {
  console.log('== unreachable: a poll of 3 calendars with Google unreachable ==');
  const refused = `127.0.0.1:${await closedPort()}`;
  await unreachablePoll('connection refused', { api: refused, token: refused });
  const hole = await blackHole();
  const dark = `127.0.0.1:${hole.port}`;
  try {
    await unreachablePoll('black hole (accepts, never answers)', { api: dark, token: dark });
    await unreachablePoll('API host a black hole, token host answers', { api: dark });
    await unreachablePoll('API host a black hole, token host answers, 1 calendar', { api: dark }, [
      SOURCES[0],
    ]);
  } finally {
    await hole.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
