import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planInstall, writePlan, type InstallPlan } from '../src/systemd/install.js';
import { pollSchedule, quoteExecWord } from '../src/systemd/render.js';
import { UNIT_NAMES } from '../src/systemd/units.js';
import { BIN, assertBuilt, runCalsync, sandbox } from './health-helpers.js';

const work = mkdtempSync(join(tmpdir(), 'calsync-units-'));
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
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

beforeAll(() => {
  assertBuilt();
});

describe('rendered systemd units', () => {
  it.each(['system', 'user'] as const)('%s install writes exactly the known unit files', async (mode) => {
    const plan = await rendered(mode);
    expect((await readdir(plan.dir)).sort()).toEqual([...UNIT_NAMES].sort());
  });

  it('no placeholder is left and the real node and bin paths are in ExecStart', async () => {
    const plan = await rendered('system');
    for (const unit of plan.units) {
      expect(unit.content).not.toMatch(
        /@(EXEC|CONFIG_DIR|INTERVAL|POLL_SCHEDULE|POLL_TIMEOUT|WANTED_BY|SYSTEM_ONLY|HEALTH_ARGS)@/,
      );
    }
    const poll = await readFile(join(plan.dir, 'calsync-poll.service'), 'utf8');
    expect(poll).toContain(`ExecStart=${process.execPath} ${BIN} poll`);
    expect(poll).toContain(`ReadWritePaths=${join(work, 'system-config')}`);
    expect(poll).toContain('User=root');
    expect(poll).toContain('CapabilityBoundingSet=\n');
    expect(poll).not.toMatch(/^MemoryDenyWriteExecute=/m);
  });

  it('the poll timer fires every interval, catches up after downtime and is not coalesced', async () => {
    const plan = await rendered('user');
    const timer = plan.units.find((u) => u.name === 'calsync-poll.timer')?.content ?? '';
    expect(timer).toContain('OnCalendar=*-*-* *:00/5:00\nPersistent=true');
    expect(timer).toContain('RandomizedDelaySec=30\n');
    expect(timer).toContain('AccuracySec=1us\n');
    const webhook = plan.units.find((u) => u.name === 'calsync-webhook.service')?.content ?? '';
    expect(webhook).toContain('Restart=on-failure');
    expect(webhook).toContain('RestartPreventExitStatus=2\n');
    expect(webhook).toContain('WantedBy=default.target');
    const health = plan.units.find((u) => u.name === 'calsync-health.service')?.content ?? '';
    expect(health).toMatch(/^ExecStart=.* health-check --url http:\/\/127\.0\.0\.1:5000\/health$/m);
  });
});

describe('poll schedule', () => {
  it.each([
    { minutes: 5, schedule: 'OnCalendar=*-*-* *:00/5:00\nPersistent=true' },
    { minutes: 1, schedule: 'OnCalendar=*-*-* *:00/1:00\nPersistent=true' },
    { minutes: 120, schedule: 'OnCalendar=*-*-* 00/2:00:00\nPersistent=true' },
  ])('$minutes minutes is a calendar timer that catches up', ({ minutes, schedule }) => {
    expect(pollSchedule(minutes)).toBe(schedule);
  });

  it('an interval that divides neither an hour nor a day uses monotonic timers', () => {
    expect(pollSchedule(7)).toContain('OnUnitInactiveSec=7min');
    expect(pollSchedule(90)).toContain('OnBootSec=2min');
  });

  it('ExecStart words with spaces or specials are quoted and escaped', () => {
    expect(quoteExecWord('/opt/node/bin/node')).toBe('/opt/node/bin/node');
    expect(quoteExecWord('/home/a b/calsync.js')).toBe('"/home/a b/calsync.js"');
    expect(quoteExecWord('/x/100%/$HOME')).toBe('"/x/100%%/$$HOME"');
  });
});

describe('calsync systemd install (built binary)', () => {
  it('--dry-run prints every unit and the systemctl commands and writes nothing', async () => {
    const box = await sandbox();
    try {
      const xdg = join(box.home, 'xdg');
      const r = await runCalsync(['systemd', 'install', '--dry-run'], box, {
        XDG_CONFIG_HOME: xdg,
        CALSYNC_POLL_INTERVAL_MINUTES: '10',
      });
      expect(r.code).toBe(0);
      expect(r.firstLine).toBe(
        `# dry run: nothing written. 9 user units for ${join(xdg, 'systemd', 'user')}:`,
      );
      for (const name of UNIT_NAMES)
        expect(r.stdout).toContain(`# ---- ${join(xdg, 'systemd', 'user', name)}`);
      expect(r.stdout).toContain('OnCalendar=*-*-* *:00/10:00');
      // Every service sees the interval the timer was made with: health thresholds match it.
      expect(r.stdout.match(/^Environment=CALSYNC_POLL_INTERVAL_MINUTES=10$/gm)).toHaveLength(5);
      expect(r.stdout).toMatch(/ExecStart=\S+ \S+\/bin\/calsync\.js poll\n/);
      expect(r.stdout).toContain('systemctl --user daemon-reload\n');
      expect(r.stdout).toContain(
        'systemctl --user enable --now calsync-poll.timer calsync-clean.timer calsync-health.timer\n',
      );
      // No webhook URL: the watch timer could only fail; it is written, not enabled, and the output says so.
      expect(r.stdout).toContain('# calsync-watch.timer is not enabled: no webhook URL is set');
      expect(r.stdout).toContain('calsync config set webhookUrl https://');
      expect(r.stdout).toMatch(/loginctl enable-linger \S+\n/);
      expect(existsSync(xdg)).toBe(false);
    } finally {
      await box.cleanup();
    }
  });

  it('install writes the user units and the credentials directory', async () => {
    const box = await sandbox();
    try {
      const xdg = join(box.home, 'xdg');
      const r = await runCalsync(['systemd', 'install', '--user'], box, {
        XDG_CONFIG_HOME: xdg,
        CALSYNC_WEBHOOK_URL: 'https://hooks.example.com',
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(
        'enable --now calsync-poll.timer calsync-clean.timer calsync-watch.timer calsync-health.timer calsync-webhook.service',
      );
      expect(r.stdout).not.toContain('is not enabled');
      expect((await readdir(join(xdg, 'systemd', 'user'))).sort()).toEqual([...UNIT_NAMES].sort());
      expect(existsSync(join(box.configDir, 'credentials'))).toBe(true);
    } finally {
      await box.cleanup();
    }
  });

  it('--user and --system together are a usage error', async () => {
    const box = await sandbox();
    try {
      const r = await runCalsync(['systemd', 'install', '--user', '--system', '--dry-run'], box);
      expect(r.code).toBe(2);
    } finally {
      await box.cleanup();
    }
  });

  it('the webhook server runs with a young generation capped at 2 MiB semi-spaces, which node takes from NODE_OPTIONS', async () => {
    const plan = await rendered('user');
    const webhook = plan.units.find((u) => u.name === 'calsync-webhook.service')?.content ?? '';
    const options = /^Environment=NODE_OPTIONS=(.*)$/m.exec(webhook)?.[1];
    expect(options).toBe('--max-semi-space-size=2');
    // A burst of short-lived objects: node's default lets the new space grow to 32 MiB, the unit's keeps it at 4.
    const burst = `const keep = []; for (let i = 0; i < 100; i++) { keep.push(Array.from({ length: 20000 }, (_, j) => ({ j })));
      keep.splice(0, keep.length - 3); }
      process.stdout.write(String(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const newSpace = (env: Record<string, string>): number => {
      const r = spawnSync(process.execPath, ['-e', burst], {
        env: { PATH: '/usr/bin:/bin', ...env },
        encoding: 'utf8',
      });
      // node refuses an option it does not take in NODE_OPTIONS (exit 9, nothing on stdout).
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(Number(r.stdout)).toBeGreaterThan(0);
      return Number(r.stdout);
    };
    expect(newSpace({ NODE_OPTIONS: options ?? '' })).toBeLessThanOrEqual(4 * 2 ** 20);
    expect(newSpace({})).toBeGreaterThan(4 * 2 ** 20);
  });
});
