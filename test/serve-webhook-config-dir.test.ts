/**
 * serve-webhook runs for months: a config dir it cannot write (a container's
 * volume owned by root, a read-only mount) is one clear error at start, not a
 * failed save at every poll.
 */
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInMountNamespace } from './helpers/mount-namespace.js';
import { startWorld, type World } from './helpers/world.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('serve-webhook checks its config dir at start (built binary)', () => {
  it('a read-only config dir: exit 2, naming the dir and the fix, before listening', async () => {
    world = await startWorld();
    const dir = world.cli.dir;
    const setup = `mount --bind "${dir}" "${dir}"\nmount -o remount,bind,ro "${dir}"`;
    const res = await runInMountNamespace(setup, ['serve-webhook', '--port', '0'], world.cli.env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`calsync: cannot write the config dir ${dir} (EROFS)`);
    expect(res.stderr).toContain('(mode 700), or set CALSYNC_CONFIG_DIR');
    expect(res.stderr).not.toMatch(/listening on/);
  });

  it('a config dir owned by another user: exit 2 with the chown hint', async () => {
    world = await startWorld();
    const uid = process.getuid?.() ?? 0;
    // As root, hand a fresh dir to "nobody"; otherwise any root-owned dir is someone else's.
    const dir = uid === 0 ? join(world.cli.dir, 'other') : '/';
    if (uid === 0) {
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
    }
    const res = await world.cli.run(['serve-webhook', '--port', '0'], { CALSYNC_CONFIG_DIR: dir });
    if (uid === 0) rmSync(dir, { recursive: true, force: true });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`is owned by uid \\d+, not by you \\(uid ${uid}\\)`));
    expect(res.stderr).not.toMatch(/listening on/);
  });
});
