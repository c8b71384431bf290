import { readdir } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entryCount, openState, readState } from '../src/state/index.js';
import { setLogLevel, setLogSink } from '../src/util/log.js';
import { spawnModuleScript, waitForExit } from './helpers/child-node.js';
import { assertBuilt, builtStateModule, tempConfigDir } from './helpers/state-fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
let logLines: string[];

beforeAll(() => assertBuilt());

beforeEach(async () => {
  ({ dir, cleanup } = await tempConfigDir());
  logLines = [];
  setLogSink((line) => logLines.push(line));
  setLogLevel('warn');
});

afterEach(async () => {
  setLogSink((line) => process.stderr.write(line + '\n'));
  await cleanup();
});

const ENTRIES = 30_000;

/** Saves a big state over and over, announcing each save before it starts, until killed. */
const SAVE_LOOP_SCRIPT = `
import { openState } from MODULE;
const [dir, entries] = process.argv.slice(-2);
const store = await openState(dir);
const events = (store.state.events['a@example.com'] = {});
for (let i = 0; i < Number(entries); i++) {
  events['evt' + i] = { action: 'mirror', at: '2024-01-01T00:00:00.000Z', copyCalendar: 'shared@example.com', copyId: 'copy' + i };
}
for (let round = 1; ; round++) {
  store.state.metrics.pollsInitiated = round;
  process.stdout.write('saving ' + round + '\\n');
  await store.save();
}
`;

describe('state file under a crash', () => {
  it('leaves a loadable state.json, old or new, when the writer is killed with SIGKILL mid-save', async () => {
    const child = spawnModuleScript(SAVE_LOOP_SCRIPT, builtStateModule, [dir, String(ENTRIES)]);
    const exited = waitForExit(child);
    let announced = 0;
    // Kill while the 4th save is under way: the earlier ones left a complete file.
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (d: Buffer) => {
        announced += (d.toString().match(/saving/g) ?? []).length;
        if (announced >= 4) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGKILL');
    const result = await exited;
    expect(result.signal, result.stderr).toBe('SIGKILL');

    const state = await readState(dir);
    expect(logLines).toEqual([]); // not corrupt: nothing moved aside
    expect(entryCount(state)).toBe(ENTRIES);
    expect(state.metrics.pollsInitiated).toBeGreaterThanOrEqual(3);
    expect(state.metrics.pollsInitiated).toBeLessThanOrEqual(announced);

    // The next writer clears the dead writer's temp file, if the kill left one.
    await openState(dir);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
