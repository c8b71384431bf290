import { watch } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { entryCount, openState, readState } from '../src/state/index.js';
import { spawnModuleScript, waitForExit } from './helpers/state-child.js';
import { assertBuilt, builtStateModule, useStateSandbox } from './helpers/state-fixtures.js';

let dir: string;
let logLines: string[];

beforeAll(() => assertBuilt());

useStateSandbox((box) => ({ dir, logLines } = box));

const ENTRIES = 30_000;
const MAX_ROUNDS = 3;

/** Saves a big state over and over, numbering each save, until killed. */
const SAVE_LOOP_SCRIPT = `
import { EventTable, openState } from MODULE;
const [dir, entries] = process.argv.slice(-2);
const store = await openState(dir);
const events = (store.state.events['a@example.com'] = new EventTable());
for (let i = 0; i < Number(entries); i++) {
  events.set('evt' + i, { action: 'mirror', at: 1704067200, copyCalendar: 'shared@example.com', copyId: 'copy' + i });
}
for (let round = 1; ; round++) {
  store.state.metrics.pollsInitiated = round;
  process.stdout.write('saving ' + round + '\\n');
  await store.save();
}
`;

/**
 * Starts the save loop and kills it with SIGKILL as soon as a temp file
 * appears after a few complete saves, i.e. while a save is under way.
 * Returns whether the kill left a temp file behind (proof it hit mid-save).
 */
async function killWhileSaving(): Promise<boolean> {
  const child = spawnModuleScript(SAVE_LOOP_SCRIPT, builtStateModule, [dir, String(ENTRIES)]);
  const exited = waitForExit(child);
  let announced = 0;
  const watcher = watch(dir);
  await new Promise<void>((resolve) => {
    watcher.on('change', (_type, name) => {
      if (announced >= 3 && String(name).includes('.tmp-')) resolve();
    });
    child.stdout?.on('data', (d: Buffer) => {
      announced += (d.toString().match(/saving/g) ?? []).length;
      // Safety net, should the watcher miss the moment: a save is announced, so one is under way or about to be.
      if (announced >= 12) resolve();
    });
    void exited.then(() => resolve());
  });
  child.kill('SIGKILL');
  watcher.close();
  const result = await exited;
  expect(result.signal, result.stderr).toBe('SIGKILL');
  return (await readdir(dir)).some((n) => n.includes('.tmp-'));
}

describe('state file under a crash', () => {
  it('leaves a loadable state.json, old or new, when the writer is killed with SIGKILL mid-save', async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const leftTempFile = await killWhileSaving();

      const state = await readState(dir);
      expect(logLines).toEqual([]); // not corrupt: nothing was moved aside
      expect(entryCount(state)).toBe(ENTRIES);
      expect(state.metrics.pollsInitiated).toBeGreaterThanOrEqual(1); // one of the complete saves

      // The next writer clears the dead writer's temp file, if the kill left one.
      await openState(dir);
      expect(await readdir(dir)).toEqual(['state.json']);
      if (leftTempFile) break; // a kill in the middle of a write was survived: proven
    }
  });
});
