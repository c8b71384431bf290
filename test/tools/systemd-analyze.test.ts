/**
 * Checks that drive systemd-analyze (Debian package `systemd`): `npm run test:tools`,
 * which `.ci/run` installs the program for. A missing program fails, never skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planInstall, writePlan, type InstallPlan } from '../../src/systemd/install.js';
import { quoteExecWord } from '../../src/systemd/render.js';
import { UNIT_NAMES, instanceName } from '../../src/systemd/units.js';
import { BIN, assertBuilt } from '../health-helpers.js';

const run = promisify(execFile);
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

const work = mkdtempSync(join(tmpdir(), 'calsync-units-tools-'));
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeAll(() => {
  assertBuilt();
  if (!existsSync(SYSTEMD_ANALYZE))
    throw new Error(`${SYSTEMD_ANALYZE} is missing: install the Debian package "systemd" (.ci/run does)`);
});

async function rendered(mode: 'user' | 'system'): Promise<InstallPlan> {
  const plan = await planInstall({
    mode,
    configDir: join(work, `${mode}-config`),
    pollIntervalMinutes: 5,
    webhook: true,
    dir: join(work, `${mode}-units`),
    // An ExecStart that exists: verify checks the binary is executable.
    exec: `${quoteExecWord(process.execPath)} ${quoteExecWord(BIN)}`,
    env: { SUDO_USER: 'root', HOME: work },
  });
  await writePlan(plan);
  return plan;
}

/**
 * `systemd-analyze verify` without a running systemd: `--man=no` skips the
 * man-page lookup of Documentation=; user units need an XDG_RUNTIME_DIR,
 * which any private directory satisfies. Warnings (unknown keys, bad values)
 * go to stderr with exit 0, so stderr must be empty too.
 */
async function verify(plan: InstallPlan): Promise<{ stderr: string }> {
  const runtime = mkdtempSync(join(work, 'xdg-runtime-'));
  const args = [
    'verify',
    '--man=no',
    ...(plan.mode === 'user' ? ['--user'] : []),
    ...plan.units.map((u) => u.path),
  ];
  const { stderr } = await run(SYSTEMD_ANALYZE, args, {
    env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' },
  });
  return { stderr };
}

/** Two profiles' instances in one unit dir (club with a webhook server on its own port, home without). */
async function profileInstances(mode: 'user' | 'system'): Promise<{ dir: string; instances: string[] }> {
  const dir = join(work, `${mode}-profile-units`);
  const instances: string[] = [];
  for (const [profile, webhook] of [
    ['club', true],
    ['home', false],
  ] as const) {
    const plan = await planInstall({
      mode,
      configDir: join(work, `${mode}-config`),
      pollIntervalMinutes: profile === 'club' ? 5 : 7,
      webhook,
      ...(webhook ? { webhookPort: 5001 } : {}),
      profile,
      dir,
      exec: `${quoteExecWord(process.execPath)} ${quoteExecWord(BIN)}`,
      env: { SUDO_USER: 'root', HOME: work },
    });
    await writePlan(plan);
    instances.push(...UNIT_NAMES.map((n) => join(dir, instanceName(n, profile))));
  }
  return { dir, instances };
}

describe('systemd-analyze', () => {
  it.each(['system', 'user'] as const)(
    "two profiles' %s instance units (templates and drop-ins) pass verify with no warning",
    async (mode) => {
      const { instances } = await profileInstances(mode);
      const runtime = mkdtempSync(join(work, 'xdg-runtime-'));
      // verify takes an instance's name in the directory of its template, with the drop-ins beside it.
      const { stderr } = await run(
        SYSTEMD_ANALYZE,
        ['verify', '--man=no', ...(mode === 'user' ? ['--user'] : []), ...instances],
        { env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' } },
      );
      expect(stderr).toBe('');
    },
  );

  it("a profile's system poll instance scores under 3.0 in security --offline, as the default unit does", async () => {
    const { dir } = await profileInstances('system');
    const { stdout } = await run(
      SYSTEMD_ANALYZE,
      ['security', '--offline=true', '--no-pager', join(dir, 'calsync-poll@club.service')],
      { env: { ...process.env, SYSTEMD_COLORS: '0' } },
    );
    const score = Number(/Overall exposure level for calsync-poll@club\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(score).toBeLessThan(3);
  });

  it("verify reads a profile's drop-ins: without its schedule the poll timer is refused", async () => {
    const { dir } = await profileInstances('user');
    await rm(join(dir, 'calsync-poll@home.timer.d'), { recursive: true });
    const runtime = mkdtempSync(join(work, 'xdg-runtime-'));
    const refused = await run(
      SYSTEMD_ANALYZE,
      ['verify', '--man=no', '--user', join(dir, 'calsync-poll@home.timer')],
      {
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' },
      },
    ).then(
      () => '',
      (err: Error & { stderr?: string }) => err.stderr ?? err.message,
    );
    expect(refused).toContain('Timer unit lacks value setting');
  });

  it.each(['system', 'user'] as const)('every %s unit passes verify with no warning', async (mode) => {
    const plan = await rendered(mode);
    const { stderr } = await verify(plan);
    expect(stderr).toBe('');
  });

  it('system units score under 3.0 in security --offline', async () => {
    const plan = await rendered('system');
    const service = plan.units.find((u) => u.name === 'calsync-poll.service');
    const { stdout } = await run(
      SYSTEMD_ANALYZE,
      ['security', '--offline=true', '--no-pager', service?.path ?? ''],
      {
        env: { ...process.env, SYSTEMD_COLORS: '0' },
      },
    );
    const score = Number(/Overall exposure level for calsync-poll\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(score).toBeLessThan(3);
  });
});
