/* global Buffer, console, process */
// Micro-benchmark of the state store: load and save of 100,000 processed
// entries (median of several runs) and the file size, beside the v2 layout's
// JSON.parse/JSON.stringify of the same entries measured in the same run. Needs a build first
// (`npm run bench` builds). Run directly, or call run() from bench/run.js.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { emptyState, entryCount, EventTable, openState, statePath } from '../dist/state/index.js';

const ENTRIES = 100_000;
const CALENDARS = 4;
const RUNS = 7;

/** Entries shaped like real ones: a mirror or copy with ids, times and the source's `updated`. */
export function bigState(entries = ENTRIES, calendars = CALENDARS) {
  const state = emptyState();
  const base = Date.UTC(2024, 0, 1);
  for (let c = 0; c < calendars; c++) state.events[`person${c}@example.com`] = new EventTable();
  for (let i = 0; i < entries; i++) {
    const cal = `person${i % calendars}@example.com`;
    // As sync/poll.ts records them: seconds for at/end, ms for the source's `updated`.
    const atMs = base + i * 60_000;
    state.events[cal].set(`evt${i.toString(36).padStart(8, '0')}k3j2h1g0f9e8d7c6`, {
      action: i % 3 === 0 ? 'mirror' : i % 3 === 1 ? 'invite' : 'copy-birthday',
      at: Math.floor(atMs / 1000),
      end: Math.floor(atMs / 1000) + 3600,
      sourceUpdated: atMs,
      ...(i % 3 === 1
        ? {}
        : { copyCalendar: 'shared@example.com', copyId: `cs${i.toString(32).padStart(24, '0')}` }),
    });
  }
  return state;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function medianMs(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return Number(median(times).toFixed(1));
}

/** The same entries as state v2 stored them, an object per entry: the layout this store replaced. */
function asObjects(state) {
  const events = {};
  for (const [cal, table] of Object.entries(state.events)) events[cal] = Object.fromEntries(table.entries());
  return { ...state, version: 2, events };
}

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'calsync-bench-state-'));
  try {
    const store = await openState(dir);
    Object.assign(store.state, bigState());
    const saveMs = await medianMs(() => store.save());
    let loaded;
    const loadMs = await medianMs(async () => (loaded = await openState(dir)));
    const size = (await stat(statePath(dir))).size;

    // Side by side, same run: the v2 layout's floor, JSON.parse and JSON.stringify
    // of an object per entry (the v2 store did that plus the same I/O).
    const objects = asObjects(store.state);
    let text = '';
    const v2StringifyMs = await medianMs(() => (text = JSON.stringify(objects)));
    const v2ParseMs = await medianMs(() => JSON.parse(text));
    const result = {
      entries: entryCount(loaded.state),
      loadMs,
      saveMs,
      fileBytes: size,
      v2ParseMs,
      v2StringifyMs,
      v2FileBytes: Buffer.byteLength(text),
      // Wall times on a shared machine are only as good as its idle cores: say how busy it was.
      loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
    const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `state: ${result.entries} entries, load ${loadMs} ms, save ${saveMs} ms (median of ${RUNS}, with I/O and fsync), ` +
        `file ${mib(size)} MiB (goal: each under 200 ms; load average ${result.loadAverage})`,
    );
    console.log(
      `  v2 layout (an object per entry), CPU alone: JSON.parse ${v2ParseMs} ms, JSON.stringify ${v2StringifyMs} ms, ${mib(result.v2FileBytes)} MiB; ` +
        `v3 rows over it: load ${(loadMs / v2ParseMs).toFixed(2)}x, save ${(saveMs / v2StringifyMs).toFixed(2)}x, size ${(size / result.v2FileBytes).toFixed(2)}x`,
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
