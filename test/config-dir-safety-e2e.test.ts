import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { runInMountNamespace } from './helpers/mount-namespace.js';
import { SHARED, at, attendeeCount, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the config dir is as private as a token file (built binary)', () => {
  it.each(['770', '702'])(
    'a config dir with mode %s (writable by group or others) is refused with the chmod hint, exit 2',
    async (mode) => {
      world = await startWorld();
      chmodSync(world.cli.dir, parseInt(mode, 8));
      const res = await world.cli.run(['poll']);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`calsync: ${world.cli.dir} is writable by group or others`);
      expect(res.stderr).toContain(`run: chmod 700 ${world.cli.dir}`);
      expect(world.state()).toBeUndefined();
    },
  );

  it('a tokens dir others may write is refused too', async () => {
    world = await startWorld();
    const tokens = join(world.cli.dir, 'tokens');
    chmodSync(tokens, 0o777);
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${tokens} is writable by group or others`);
    expect(res.stderr).toContain(`run: chmod 700 ${tokens}`);
  });

  it('a config dir owned by another user is refused', async () => {
    world = await startWorld();
    const uid = process.getuid?.() ?? 0;
    // As root, hand the dir to "nobody"; otherwise any root-owned dir is someone else's.
    const dir = uid === 0 ? world.cli.dir : '/';
    if (uid === 0) chownSync(dir, 65534, 65534);
    const res = await world.cli.run(['poll'], { CALSYNC_CONFIG_DIR: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`is owned by uid \\d+, not by you \\(uid ${uid}\\)`));
    if (uid === 0) chownSync(dir, 0, 0);
  });
});

describe('a state.json that is a symbolic link (built binary)', () => {
  it('is refused with a clear message and left as it is', async () => {
    world = await startWorld();
    world.emu.seedEvent(ALICE, samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10) }));
    expect((await world.cli.run(['poll'])).code).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), 'calsync-real-state-'));
    dirs.push(elsewhere);
    const state = join(world.cli.dir, 'state.json');
    const real = join(elsewhere, 'state.json');
    renameSync(state, real);
    symlinkSync(real, state);
    const before = readFileSync(real, 'utf8');
    const res = await world.cli.run(['poll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`the state file ${state} is a symbolic link (to ${real})`);
    expect(lstatSync(state).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(before);
  });
});

describe('poll --dry-run on a read-only config dir (built binary)', () => {
  it('plans and writes nothing', async () => {
    world = await startWorld();
    const seeded = world.emu.seedEvent(
      ALICE,
      samples.meeting({ summary: 'Dentist', start: at(1, 9), end: at(1, 10) }),
    );
    const dir = world.cli.dir;
    const before = readdirSync(dir).sort();
    // A read-only bind mount: EROFS for every write, even as root.
    const setup = `mount --bind "${dir}" "${dir}"\nmount -o remount,bind,ro "${dir}"`;
    const res = await runInMountNamespace(setup, ['poll', '--dry-run'], world.cli.env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/planned +invite +Dentist/);
    expect(res.stdout).toContain('dry run: nothing written');
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(attendeeCount(world.emu.getEvent(ALICE, seeded.id ?? ''), SHARED)).toBe(0);
  });
});
