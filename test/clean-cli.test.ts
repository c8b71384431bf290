import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventTable, readState } from '../src/state/index.js';
import type { State } from '../src/state/index.js';
import { assertBuilt, runCalsync, sandbox, stateWith, writeState, type Sandbox } from './health-helpers.js';

beforeAll(() => assertBuilt());

const DAY = 86_400_000;
/** Seconds since the epoch, n days ago (state entries keep times as numbers). */
const daysAgo = (n: number): number => Math.floor((Date.now() - n * DAY) / 1000);

async function seeded(): Promise<Sandbox> {
  const box = await sandbox();
  await writeState(
    box.configDir,
    stateWith((s) => {
      s.events['a@example.com'] = EventTable.of({
        old: { action: 'mirror', at: daysAgo(90), end: daysAgo(60) },
        recent: { action: 'invite', at: daysAgo(5), end: daysAgo(2) },
        series: { action: 'mirror', at: daysAgo(400), recurring: true },
      });
      s.events['b@example.com'] = EventTable.of({
        older: { action: 'copy-birthday', at: daysAgo(400), end: daysAgo(365) },
      });
    }),
  );
  return box;
}

const readStateFile = (box: Sandbox): Promise<State> => readState(box.configDir);

describe.concurrent('calsync clean (built binary)', () => {
  it('drops old entries, keeps recent ones and open-ended series, and counts them in the metrics', async () => {
    const box = await seeded();
    try {
      const r = await runCalsync(['clean'], box);
      expect(r.code).toBe(0);
      expect(r.firstLine).toBe(
        'removed 2 of 4 event entries that ended more than 30d ago; kept 2 (1 recent, 1 open-ended series)',
      );
      const state = await readStateFile(box);
      expect(Object.keys(state.events)).toEqual(['a@example.com']);
      expect([...(state.events['a@example.com']?.ids() ?? [])].sort()).toEqual(['recent', 'series']);
      expect(state.metrics.eventsCleaned).toBe(2);
    } finally {
      await box.cleanup();
    }
  });

  it('--dry-run --json reports the same counts and writes nothing', async () => {
    const box = await seeded();
    try {
      const before = await readFile(join(box.configDir, 'state.json'), 'utf8');
      const r = await runCalsync(['clean', '--dry-run', '--older-than', '7d', '--json'], box);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        dryRun: boolean;
        removed: number;
        before: number;
        after: number;
        byCalendar: Record<string, number>;
      };
      expect(doc).toMatchObject({
        dryRun: true,
        removed: 2,
        before: 4,
        after: 2,
        byCalendar: { 'a@example.com': 1, 'b@example.com': 1 },
      });
      expect(await readFile(join(box.configDir, 'state.json'), 'utf8')).toBe(before);
    } finally {
      await box.cleanup();
    }
  });

  it('a malformed --older-than is a usage error (exit 2)', async () => {
    const box = await seeded();
    try {
      const r = await runCalsync(['clean', '--older-than', 'a month'], box);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid duration "a month"');
    } finally {
      await box.cleanup();
    }
  });
});
