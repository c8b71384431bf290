import { afterEach, beforeEach } from 'vitest';
import { setLogLevel, setLogSink } from '../../src/util/log.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyState, EventTable } from '../../src/state/index.js';
import type { ProcessedEvent, State } from '../../src/state/index.js';

/** The built state module that child processes import (npm test builds first). */
export const builtStateModule = fileURLToPath(new URL('../../dist/state/index.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(builtStateModule))
    throw new Error(`${builtStateModule} is missing: run npx tsc -p tsconfig.build.json first`);
}

export async function tempConfigDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'calsync-state-test-'));
  // A config dir that does not exist yet: the store must create it (0700).
  const dir = join(base, 'calsync');
  return { dir, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** The entries of a calendar as a plain object (id → entry), for comparing in tests. */
export function entriesOf(table: EventTable | undefined): Record<string, ProcessedEvent> | undefined {
  return table && Object.fromEntries(table.entries());
}

/** A state with `n` processed entries spread over a few calendars, shaped like real ones. */
export function stateWithEntries(n: number, calendars = 3): State {
  const state = emptyState();
  for (let i = 0; i < n; i++) {
    const cal = `person${i % calendars}@example.com`;
    const perCalendar = (state.events[cal] ??= new EventTable());
    perCalendar.set(`evt${i.toString(36)}x`, {
      action: i % 2 === 0 ? 'mirror' : 'invite',
      at: Date.UTC(2024, 0, 1) / 1000 + i,
      end: Date.UTC(2024, 1, 1) / 1000,
      ...(i % 2 === 0 ? { copyCalendar: 'shared@example.com', copyId: `cs${i}` } : {}),
    });
  }
  return state;
}

/**
 * The per-test sandbox of the state tests: a fresh config dir and the log
 * lines written (warn and up), handed to `onEach` before every test; the log
 * sink is restored and the dir removed after it.
 */
export function useStateSandbox(onEach: (box: { dir: string; logLines: string[] }) => void): void {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  beforeEach(async () => {
    const temp = await tempConfigDir();
    cleanup = temp.cleanup;
    const logLines: string[] = [];
    setLogSink((line) => logLines.push(line));
    setLogLevel('warn');
    onEach({ dir: temp.dir, logLines });
  });
  afterEach(async () => {
    setLogSink((line) => process.stderr.write(line + '\n'));
    await cleanup();
  });
}
