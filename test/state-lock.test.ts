import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { StateError } from '../src/errors.js';
import { lockPath, openState, readState, withStateLock } from '../src/state/index.js';
import { bootId, processStart } from '../src/state/process-alive.js';
import { spawnModuleScript, waitForExit } from './helpers/state-child.js';
import { assertBuilt, builtStateModule, useStateSandbox } from './helpers/state-fixtures.js';

let dir: string;
let logLines: string[];

beforeAll(() => assertBuilt());

useStateSandbox((box) => ({ dir, logLines } = box));

/** The pid of a process that has exited: a lock holding it is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return child.pid ?? 999_999_999;
}

async function writeLock(owner: {
  pid: number;
  hostname: string;
  startedAt?: string;
  nonce?: string;
  bootId?: string;
  processStart?: string;
}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    lockPath(dir),
    JSON.stringify({ startedAt: '2024-01-01T00:00:00.000Z', nonce: 'n0', ...owner }),
  );
}

const INCREMENT_SCRIPT = `
import { openState, withStateLock } from MODULE;
const [dir, times] = process.argv.slice(-2);
for (let i = 0; i < Number(times); i++) {
  await withStateLock(dir, async () => {
    const store = await openState(dir);
    const before = store.state.metrics.pollsInitiated;
    // Yield between read and write so that, without the lock, the other process would interleave.
    await new Promise((resolve) => setImmediate(resolve));
    store.state.metrics.pollsInitiated = before + 1;
    await store.save();
  });
}
`;

describe('state lock', () => {
  it('lets two processes increment a counter under the lock without losing an update', async () => {
    const times = 40;
    await mkdir(dir, { recursive: true });
    const children = [0, 1].map(() =>
      spawnModuleScript(INCREMENT_SCRIPT, builtStateModule, [dir, String(times)]),
    );
    const results = await Promise.all(children.map(waitForExit));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect((await readState(dir)).metrics.pollsInitiated).toBe(2 * times);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('lets two processes racing to take over the same stale lock lose no update', async () => {
    const times = 15;
    await writeLock({ pid: deadPid(), hostname: hostname() });
    const children = [0, 1].map(() =>
      spawnModuleScript(INCREMENT_SCRIPT, builtStateModule, [dir, String(times)]),
    );
    const results = await Promise.all(children.map(waitForExit));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect((await readState(dir)).metrics.pollsInitiated).toBe(2 * times);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('serialises concurrent holders within one process', async () => {
    const order: string[] = [];
    const task = (name: string) =>
      withStateLock(dir, async () => {
        order.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${name} out`);
      });
    await Promise.all([task('a'), task('b')]);
    // Either may go first (the lock promises exclusion, not order); they never interleave.
    expect([
      ['a in', 'a out', 'b in', 'b out'],
      ['b in', 'b out', 'a in', 'a out'],
    ]).toContainEqual(order);
  });

  it('returns the value of fn and removes the lock file afterwards', async () => {
    const value = await withStateLock(dir, async () => {
      const lock = JSON.parse(await readFile(lockPath(dir), 'utf8')) as {
        pid: number;
        hostname: string;
        startedAt: string;
      };
      expect(lock.pid).toBe(process.pid);
      expect(lock.hostname).toBe(hostname());
      expect(Number.isNaN(Date.parse(lock.startedAt))).toBe(false);
      return 42;
    });
    expect(value).toBe(42);
    expect(await readdir(dir)).toEqual([]);
  });

  it('releases the lock when fn throws', async () => {
    await expect(withStateLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readdir(dir)).toEqual([]);
    await expect(withStateLock(dir, () => Promise.resolve('again'), { waitMs: 200 })).resolves.toBe('again');
  });

  it('takes over a stale lock left by a dead process', async () => {
    const pid = deadPid();
    await writeLock({ pid, hostname: hostname() });
    let waited = false;
    const value = await withStateLock(dir, () => Promise.resolve('ran'), {
      waitMs: 2000,
      onWait: () => (waited = true),
    });
    expect(value).toBe('ran');
    expect(waited).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain('stale state lock');
    expect(logLines[0]).toContain(`pid=${pid}`);
  });

  it('takes over a lock left by an earlier process that had this same pid', async () => {
    await writeLock({ pid: process.pid, hostname: hostname(), nonce: 'from-an-earlier-life' });
    await expect(withStateLock(dir, () => Promise.resolve('ran'), { waitMs: 2000 })).resolves.toBe('ran');
  });

  it("takes over a lock from an earlier boot, or whose pid now names another process, and not a live holder's", async () => {
    // The parent of this test process is alive for as long as the test runs.
    const live = {
      pid: process.ppid,
      hostname: hostname(),
      bootId: bootId(),
      processStart: processStart(process.ppid),
    };
    expect(live.bootId).toMatch(/^[0-9a-f-]{36}$/);
    expect(live.processStart).toMatch(/^\d+$/);
    await writeLock({ ...live, bootId: '00000000-0000-0000-0000-000000000000' });
    await expect(withStateLock(dir, () => Promise.resolve('after a reboot'), { waitMs: 2000 })).resolves.toBe(
      'after a reboot',
    );
    await writeLock({ ...live, processStart: String(Number(live.processStart) + 1) });
    await expect(withStateLock(dir, () => Promise.resolve('pid reused'), { waitMs: 2000 })).resolves.toBe(
      'pid reused',
    );
    expect(logLines.filter((l) => l.includes('stale state lock'))).toHaveLength(2);
    await writeLock(live);
    await expect(withStateLock(dir, () => Promise.resolve('never'), { waitMs: 150 })).rejects.toThrow(
      /held by pid/,
    );
  });

  it('records the boot and its own process start in the lock it holds', async () => {
    await withStateLock(dir, async () => {
      expect(JSON.parse(await readFile(lockPath(dir), 'utf8'))).toMatchObject({
        pid: process.pid,
        bootId: bootId(),
        processStart: processStart(process.pid),
      });
    });
  });

  it('takes over an unreadable lock file only once it is old', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(lockPath(dir), '');
    await expect(withStateLock(dir, () => Promise.resolve('ran'), { waitMs: 100 })).rejects.toThrow(
      /unreadable lock file/,
    );
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath(dir), old, old);
    await expect(withStateLock(dir, () => Promise.resolve('ran'), { waitMs: 100 })).resolves.toBe('ran');
  });

  it('gives up waiting for a live holder with a StateError naming its pid', async () => {
    // The parent of this test process is alive for as long as the test runs.
    await writeLock({ pid: process.ppid, hostname: hostname() });
    const waits: string[] = [];
    const attempt = withStateLock(dir, () => Promise.resolve('never'), {
      waitMs: 150,
      onWait: (holder) => waits.push(holder),
    });
    await expect(attempt).rejects.toThrow(StateError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`held by pid ${process.ppid} on .*gave up after 150 ms`),
    );
    expect(waits).toEqual([`pid ${process.ppid} on ${hostname()} (since 2024-01-01T00:00:00.000Z)`]);
    // The live holder's lock is left alone.
    expect(JSON.parse(await readFile(lockPath(dir), 'utf8'))).toMatchObject({ pid: process.ppid });
  });

  it('never takes over a lock from another host', async () => {
    await writeLock({ pid: deadPid(), hostname: `not-${hostname()}` });
    await expect(withStateLock(dir, () => Promise.resolve('never'), { waitMs: 100 })).rejects.toThrow(
      /held by pid \d+ on not-/,
    );
  });

  it('refuses re-entrance at once instead of waiting for itself', async () => {
    const nested = withStateLock(dir, () =>
      withStateLock(dir, () => Promise.resolve('inner'), { waitMs: 60_000 }),
    );
    await expect(nested).rejects.toThrow(/not re-entrant/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the lock when the holding process exits without releasing it', async () => {
    await mkdir(dir, { recursive: true });
    const script = `
      import { withStateLock } from MODULE;
      const [dir] = process.argv.slice(-1);
      await withStateLock(dir, async () => { process.exit(0); });
    `;
    const r = await waitForExit(spawnModuleScript(script, builtStateModule, [dir]));
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets openState inside the lock see what the previous holder saved', async () => {
    await withStateLock(dir, async () => {
      const store = await openState(dir);
      store.state.metrics.webhooksReceived = 3;
      await store.save();
    });
    const seen = await withStateLock(dir, async () => (await openState(dir)).state.metrics.webhooksReceived);
    expect(seen).toBe(3);
  });
});
