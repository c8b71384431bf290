/* global console, process */
// Micro-benchmark of the state store: load and save of 100,000 processed
// entries (median of several runs) and the file size. Needs a build first
// (`npm run bench` builds). Run directly, or call run() from bench/run.js.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { emptyState, entryCount, openState, statePath } from '../dist/state/index.js';

const ENTRIES = 100_000;
const CALENDARS = 4;
const RUNS = 7;

/** Entries shaped like real ones: a mirror or copy with ids, times and the source's `updated`. */
export function bigState(entries = ENTRIES, calendars = CALENDARS) {
  const state = emptyState();
  const base = Date.UTC(2024, 0, 1);
  for (let c = 0; c < calendars; c++) state.events[`person${c}@example.com`] = {};
  for (let i = 0; i < entries; i++) {
    const cal = `person${i % calendars}@example.com`;
    // As sync/poll.ts records them: seconds for at/end, ms for the source's `updated`.
    const atMs = base + i * 60_000;
    state.events[cal][`evt${i.toString(36).padStart(8, '0')}k3j2h1g0f9e8d7c6`] = {
      action: i % 3 === 0 ? 'mirror' : i % 3 === 1 ? 'invite' : 'copy-birthday',
      at: Math.floor(atMs / 1000),
      end: Math.floor(atMs / 1000) + 3600,
      sourceUpdated: atMs,
      ...(i % 3 === 1 ? {} : { copyCalendar: 'shared@example.com', copyId: `cs${i.toString(32).padStart(24, '0')}` }),
    };
  }
  return state;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'calsync-bench-state-'));
  try {
    const store = await openState(dir);
    Object.assign(store.state, bigState());
    const saves = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await store.save();
      saves.push(performance.now() - t);
    }
    const loads = [];
    let loaded;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      loaded = await openState(dir);
      loads.push(performance.now() - t);
    }
    const size = (await stat(statePath(dir))).size;
    const result = {
      entries: entryCount(loaded.state),
      loadMs: Number(median(loads).toFixed(1)),
      saveMs: Number(median(saves).toFixed(1)),
      fileBytes: size,
      // Wall times on a shared machine are only as good as its idle cores: say how busy it was.
      loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
    console.log(
      `state: ${result.entries} entries, load ${result.loadMs} ms, save ${result.saveMs} ms (median of ${RUNS}), ` +
        `file ${(size / 1024 / 1024).toFixed(1)} MiB (load average ${result.loadAverage})`,
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
