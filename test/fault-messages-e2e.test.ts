import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../src/emulator/index.js';
import { runInMountNamespace } from './helpers/mount-namespace.js';
import { at, startWorld, type World } from './helpers/world.js';

const ALICE = 'alice@example.test';
let world: World | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('faults that used to say too little (built binary)', () => {
  it('a full disk names state.json and says the config dir’s disk is full', async () => {
    world = await startWorld();
    for (let i = 0; i < 30; i++)
      world.emu.seedEvent(
        ALICE,
        samples.meeting({ summary: `Meeting ${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }),
      );
    const mnt = mkdtempSync(join(tmpdir(), 'calsync-full-'));
    dirs.push(mnt);
    // A 1 MiB tmpfs holding the config, then filled up but for one page: the lock fits, the state does not.
    const setup = [
      `mount -t tmpfs -o size=1m,mode=0700 none "${mnt}"`,
      `cp -a "${world.cli.dir}/." "${mnt}/"`,
      `head -c 2m /dev/zero > "${mnt}/filler" 2>/dev/null || true`,
      `truncate -s -4096 "${mnt}/filler"`,
    ].join('\n');
    const res = await runInMountNamespace(setup, ['poll'], { ...world.cli.env, CALSYNC_CONFIG_DIR: mnt });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `cannot write ${mnt}/state.json: the disk is full where ${mnt} lives (ENOSPC)`,
    );
    expect(res.stderr).toContain(`df -h ${mnt}`);
  });

  it('a time-out names the host and the limit, not "The operation was aborted."', async () => {
    world = await startWorld();
    world.emu.injectFaults({ method: 'GET', pathIncludes: '/events', latencyMs: 1500 });
    const res = await world.cli.run(['poll'], { CALSYNC_REQUEST_TIMEOUT_MS: '200' });
    expect(res.code).toBe(1);
    const host = new URL(world.emu.url).host;
    expect(res.stderr).toContain(`no answer from ${host} within 0.2 s (request time-out)`);
    expect(res.stdout + res.stderr).not.toContain('The operation was aborted');
    // Still a network error: retried before the calendar fails.
    const lists = world.emu.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/events'));
    expect(lists.length).toBeGreaterThan(1);
    expect(world.state()?.calendars[ALICE]?.lastError).toContain(
      `Google unreachable: ${host}: no answer within 0.2 s`,
    );
  });
});
