import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StateError } from '../src/errors.js';
import {
  emptyState,
  entryCount,
  EventTable,
  openState,
  readState,
  statePath,
  STATE_VERSION,
} from '../src/state/index.js';
import { entriesOf, stateWithEntries, useStateSandbox } from './helpers/state-fixtures.js';

let dir: string;
let logLines: string[];

useStateSandbox((box) => ({ dir, logLines } = box));

describe('state store', () => {
  it('starts from an empty state when there is no state file', async () => {
    const store = await openState(dir);
    expect(store.state).toEqual(emptyState());
    expect(store.path).toBe(statePath(dir));
    expect(await readState(dir)).toEqual(emptyState());
  });

  it('round-trips every part of the state through save and open', async () => {
    const store = await openState(dir);
    store.state.events['a@example.com'] = EventTable.of({
      e1: { action: 'mirror', at: 1_704_067_200, copyId: 'c1' },
    });
    store.state.calendars['a@example.com'] = { syncToken: 'tok', lastSuccessAt: '2024-01-01T00:00:00.000Z' };
    store.state.channels['a@example.com'] = {
      id: 'ch',
      resourceId: 'r',
      expiration: 1_700_000_000_000,
      address: 'https://x/webhook',
      createdAt: '2024-01-01T00:00:00.000Z',
    };
    store.state.accounts['a@example.com'] = {
      needsAuth: { since: '2024-01-01T00:00:00.000Z', reason: 'invalid_grant' },
    };
    store.state.health = { status: 'WARNING', since: '2024-01-01T00:00:00.000Z', alertedStatus: 'WARNING' };
    store.state.metrics.pollsInitiated = 7;
    await store.save();

    const reopened = await openState(dir);
    expect(reopened.state).toEqual(store.state);
    expect(await readState(dir)).toEqual(store.state);
  });

  it('round-trips text outside ASCII', async () => {
    const store = await openState(dir);
    store.state.calendars['zoë@example.com'] = { lastError: 'Überschrift – 日本語 ✓ 😀' };
    await store.save();
    expect((await readState(dir)).calendars).toEqual(store.state.calendars);
  });

  it('leaves no temp files behind after saving', async () => {
    const store = await openState(dir);
    for (let i = 0; i < 5; i++) {
      store.state.metrics.pollsInitiated = i;
      await store.save();
    }
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('keeps only the last of several concurrent saves', async () => {
    const store = await openState(dir);
    const saves: Array<Promise<void>> = [];
    for (let i = 1; i <= 5; i++) {
      store.state.metrics.pollsInitiated = i;
      saves.push(store.save());
    }
    await Promise.all(saves);
    expect((await readState(dir)).metrics.pollsInitiated).toBe(5);
  });

  it('writes the state file 0600 in a config dir it creates 0700', async () => {
    const store = await openState(dir);
    await store.save();
    expect((await stat(statePath(dir))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('makes an existing world-readable state file 0600 on save', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(statePath(dir), JSON.stringify(emptyState()));
    await chmod(statePath(dir), 0o644);
    const store = await openState(dir);
    await store.save();
    expect((await stat(statePath(dir))).mode & 0o777).toBe(0o600);
  });

  it('removes temp files left by a crashed writer but not those of a live one', async () => {
    await mkdir(dir, { recursive: true });
    const dead = `${statePath(dir)}.tmp-999999999-abcd1234`;
    const live = `${statePath(dir)}.tmp-${process.pid}-abcd1234`;
    await writeFile(dead, '{"torn');
    await writeFile(live, '{"in progress');
    await openState(dir);
    const names = await readdir(dir);
    expect(names).not.toContain('state.json.tmp-999999999-abcd1234');
    expect(names).toContain(`state.json.tmp-${process.pid}-abcd1234`);
  });

  it.each([
    ['bad JSON', '{"version": 1, "events": {'],
    ['a JSON array', '[]'],
    ['events of the wrong type', JSON.stringify({ ...emptyState(), events: [] })],
    ['a calendar whose entries are not an object', JSON.stringify({ ...emptyState(), events: { a: 'x' } })],
    [
      'a non-numeric counter',
      JSON.stringify({ ...emptyState(), metrics: { ...emptyState().metrics, pollsInitiated: 'x' } }),
    ],
    ['a nonsense version', JSON.stringify({ ...emptyState(), version: 'one' })],
  ])('moves a corrupt state file (%s) aside with one warning and starts empty', async (_what, content) => {
    await mkdir(dir, { recursive: true });
    await writeFile(statePath(dir), content);
    const store = await openState(dir);
    expect(store.state).toEqual(emptyState());

    const names = await readdir(dir);
    const aside = names.filter((n) => n.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^state\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(names).not.toContain('state.json');
    expect(await readFile(`${dir}/${aside[0]}`, 'utf8')).toBe(content);

    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain('calsync warn:');
    expect(logLines[0]).toContain(statePath(dir));
    expect(logLines[0]).toContain(`${dir}/${aside[0]}`);
  });

  it('a read-only snapshot of a corrupt file is an error and leaves the file alone (the next writer repairs)', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(statePath(dir), 'not json');
    await expect(readState(dir)).rejects.toThrow(
      /is corrupt \(not valid JSON\); the next poll moves it aside/,
    );
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(await readFile(statePath(dir), 'utf8')).toBe('not json');
    expect(logLines).toHaveLength(0);
  });

  it('refuses a state file from a newer calsync and leaves it untouched', async () => {
    await mkdir(dir, { recursive: true });
    const content = JSON.stringify({ version: STATE_VERSION + 1, somethingNew: true });
    await writeFile(statePath(dir), content);
    const before = await stat(statePath(dir));

    await expect(openState(dir)).rejects.toThrow(StateError);
    await expect(openState(dir)).rejects.toThrow(
      new RegExp(`state\\.json was written by a newer calsync \\(version ${STATE_VERSION + 1}\\)`),
    );
    await expect(readState(dir)).rejects.toThrow(StateError);

    expect(await readFile(statePath(dir), 'utf8')).toBe(content);
    expect((await stat(statePath(dir))).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('migrates an unversioned state file to the current version, keeping its data', async () => {
    await mkdir(dir, { recursive: true });
    const legacy = {
      events: { 'a@example.com': { e1: { action: 'invite', at: '2023-01-01T00:00:00.000Z' } } },
      calendars: { 'a@example.com': { syncToken: 'old-token' } },
    };
    await writeFile(statePath(dir), JSON.stringify(legacy));

    const store = await openState(dir);
    expect(store.state.version).toBe(STATE_VERSION);
    expect(Object.keys(store.state.events)).toEqual(['a@example.com']);
    expect(entriesOf(store.state.events['a@example.com'])).toEqual({
      e1: { action: 'invite', at: Date.UTC(2023, 0, 1) / 1000 },
    });
    expect(store.state.calendars['a@example.com']?.syncToken).toBe('old-token');
    expect(store.state.channels).toEqual({});
    expect(store.state.metrics).toEqual(emptyState().metrics);
    expect(logLines).toEqual([]);

    await store.save();
    const saved = JSON.parse(await readFile(statePath(dir), 'utf8')) as { version: number };
    expect(saved.version).toBe(STATE_VERSION);
  });

  it('migrates version 1 (ISO times) to numbers, keeping every entry', async () => {
    await mkdir(dir, { recursive: true });
    const v1 = {
      ...emptyState(),
      version: 1,
      events: {
        'a@example.com': {
          e1: {
            action: 'mirror',
            at: '2026-01-01T00:00:00.000Z',
            end: '2026-01-02',
            sourceUpdated: '2025-12-31T10:00:00.123Z',
            copyId: 'cs1',
            copyCalendar: 's@x',
          },
          e2: {
            action: 'pending',
            at: '2026-01-01T00:00:00Z',
            failure: { reason: 'backendError', at: '2026-01-01T00:00:05Z', attempts: 1 },
          },
        },
      },
    };
    await writeFile(statePath(dir), JSON.stringify(v1));
    const store = await openState(dir);
    expect(entriesOf(store.state.events['a@example.com'])).toEqual({
      e1: {
        action: 'mirror',
        at: Date.UTC(2026, 0, 1) / 1000,
        end: Date.UTC(2026, 0, 2) / 1000,
        sourceUpdated: Date.UTC(2025, 11, 31, 10, 0, 0, 123),
        copyId: 'cs1',
        copyCalendar: 's@x',
      },
      e2: {
        action: 'pending',
        at: Date.UTC(2026, 0, 1) / 1000,
        failure: { reason: 'backendError', at: Date.UTC(2026, 0, 1) / 1000 + 5, attempts: 1 },
      },
    });
  });

  it('migrates version 2 (an object per entry) to rows, keeping every field, and saves rows', async () => {
    await mkdir(dir, { recursive: true });
    const e1 = {
      action: 'mirror',
      at: 1_767_225_600,
      end: 1_767_229_200,
      rule: 'mirror',
      copyCalendar: 's@x',
      copyId: 'cs1',
      sourceUpdated: 1_767_225_600_123,
    };
    const e2 = {
      action: 'pending',
      at: 1_767_225_600,
      recurring: true,
      failure: { reason: 'backendError', at: 1_767_225_605, attempts: 1 },
    };
    const v2 = { ...emptyState(), version: 2, events: { 'a@example.com': { e1, e2 } } };
    await writeFile(statePath(dir), JSON.stringify(v2));
    const store = await openState(dir);
    expect(entriesOf(store.state.events['a@example.com'])).toEqual({ e1, e2 });
    expect(store.state.events['a@example.com']?.pendingIds()).toEqual(['e2']);
    await store.save();
    const saved = JSON.parse(await readFile(statePath(dir), 'utf8')) as {
      version: number;
      eventColumns: string;
      events: Record<string, string[]>;
    };
    expect(saved.version).toBe(STATE_VERSION);
    expect(saved.eventColumns).toBe(
      'id failure copyId copyCalendar rule action at end sourceUpdated recurring unconfirmed parked delivery',
    );
    expect(saved.events['a@example.com']).toEqual([
      'e1  cs1 s@x mirror mirror 1767225600 1767229200 1767225600123',
      'e2 1767225605,1,backendError    pending 1767225600   1',
    ]);
  });

  it('moves aside a file whose event rows are not text, or whose row layout this version cannot read', async () => {
    await mkdir(dir, { recursive: true });
    for (const broken of [
      { ...emptyState(), events: { 'a@example.com': [{ e1: 1 }] } },
      { ...emptyState(), events: { 'a@example.com': 'e1 mirror' } },
      { ...emptyState(), eventColumns: 'id action at', events: {} },
    ]) {
      await writeFile(statePath(dir), JSON.stringify(broken));
      expect((await openState(dir)).state).toEqual(emptyState());
    }
    expect(logLines.filter((l) => l.includes('is corrupt'))).toHaveLength(3);
  });

  it('refuses, and leaves untouched, a file with event columns this version does not know', async () => {
    await mkdir(dir, { recursive: true });
    const content = JSON.stringify({
      ...emptyState(),
      eventColumns:
        'id failure copyId copyCalendar rule action at end sourceUpdated recurring unconfirmed parked delivery later',
      events: { a: ['e1     x 1          1'] },
    });
    await writeFile(statePath(dir), content);
    await expect(openState(dir)).rejects.toThrow(/event columns this calsync does not know \(later\)/);
    await expect(openState(dir)).rejects.toBeInstanceOf(StateError);
    expect(await readFile(statePath(dir), 'utf8')).toBe(content);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('reads a file that names fewer columns (written before one was added at the end)', async () => {
    await mkdir(dir, { recursive: true });
    const older = {
      ...emptyState(),
      eventColumns: 'id failure copyId copyCalendar rule action at',
      events: { 'a@example.com': ['e1  m1 s@x mirror mirror 1767225600'] },
    };
    await writeFile(statePath(dir), JSON.stringify(older));
    const store = await openState(dir);
    expect(entriesOf(store.state.events['a@example.com'])).toEqual({
      e1: { action: 'mirror', at: 1_767_225_600, rule: 'mirror', copyId: 'm1', copyCalendar: 's@x' },
    });
    expect(logLines).toEqual([]);
  });

  it('keeps top-level keys it does not know when saving', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(statePath(dir), JSON.stringify({ ...emptyState(), extra: { kept: 1 } }));
    const store = await openState(dir);
    await store.save();
    const saved = JSON.parse(await readFile(statePath(dir), 'utf8')) as { extra?: unknown };
    expect(saved.extra).toEqual({ kept: 1 });
  });

  it('round-trips 100,000 processed entries', async () => {
    const store = await openState(dir);
    Object.assign(store.state, stateWithEntries(100_000));
    await store.save();
    const loaded = await readState(dir);
    expect(entryCount(loaded)).toBe(100_000);
    expect(loaded.events['person1@example.com']?.get('evt1x')).toEqual(
      store.state.events['person1@example.com']?.get('evt1x'),
    );
    expect(loaded).toEqual(store.state);
  });
});

describe('entryCount', () => {
  it('counts processed entries across calendars', () => {
    expect(entryCount(emptyState())).toBe(0);
    expect(entryCount(stateWithEntries(10, 3))).toBe(10);
  });
});
