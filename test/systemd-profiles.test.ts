/**
 * `calsync systemd install|uninstall --profile <name>`: instance templates
 * (`calsync-poll@.timer`…) beside the default units, one drop-in per
 * instance for what differs between profiles, and an uninstall that touches
 * exactly one profile's instances.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { madeDirs, planInstall } from '../src/systemd/install.js';
import { quoteExecWord } from '../src/systemd/render.js';
import { TEMPLATE_NAMES, UNIT_NAMES } from '../src/systemd/units.js';
import { BIN, cliEnv, type CliEnv } from './helpers/cli.js';

let cli: CliEnv | undefined;
afterEach(() => {
  cli?.cleanup();
  cli = undefined;
});

const EXEC = `${quoteExecWord(process.execPath)} ${quoteExecWord(BIN)}`;

/** Every file and link under a directory, relative to it. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath.slice(dir.length + 1), d.name))
    .sort();
}

/** The lines a profile's template must share with the default unit: hardening, NODE_OPTIONS, restarts, [Install]. */
function sharedLines(content: string): string[] {
  return content
    .split('\n')
    .filter(
      (l) =>
        l !== '' &&
        !/^(#|Description=|ExecStart=|TimeoutStartSec=|Environment=CALSYNC_|EnvironmentFile=|LoadCredential=|ReadWritePaths=|OnCalendar=|Persistent=|OnBootSec=|OnUnitInactiveSec=)/.test(
          l,
        ),
    );
}

describe('instance units of a profile (rendered)', () => {
  it.each(['user', 'system'] as const)(
    '%s: templates run calsync --profile (instance) in the profile dir, with the default units hardening and NODE_OPTIONS',
    async (mode) => {
      const common = {
        mode,
        configDir: '/srv/cal%sync',
        pollIntervalMinutes: 10,
        webhook: true,
        dir: '/units',
        exec: EXEC,
        env: { SUDO_USER: 'root', HOME: '/root' },
      };
      const plain = await planInstall(common);
      const club = await planInstall({ ...common, profile: 'club', webhookPort: 5001 });
      expect(club.units.map((u) => u.name)).toEqual([
        ...TEMPLATE_NAMES,
        'calsync-poll@club.service.d/calsync-profile.conf',
        'calsync-poll@club.timer.d/calsync-profile.conf',
        'calsync-clean@club.service.d/calsync-profile.conf',
        'calsync-watch@club.service.d/calsync-profile.conf',
        'calsync-health@club.service.d/calsync-profile.conf',
        'calsync-webhook@club.service.d/calsync-profile.conf',
      ]);
      expect(club.directories).toEqual([
        '/srv/cal%sync/profiles/club',
        '/srv/cal%sync/profiles/club/credentials',
      ]);
      for (const [i, name] of UNIT_NAMES.entries()) {
        const template = club.units[i]?.content ?? '';
        const unit = plain.units[i]?.content ?? '';
        expect(sharedLines(template), name).toEqual(sharedLines(unit));
        if (!name.endsWith('.service')) continue;
        expect(template).toMatch(new RegExp(`^ExecStart=${escape(EXEC)} --profile %i \\S`, 'm'));
        // The root's % doubled, the instance's %i a specifier.
        expect(template).toContain('Environment=CALSYNC_CONFIG_DIR=/srv/cal%%sync\n');
        expect(template).toContain('ReadWritePaths=/srv/cal%%sync/profiles/%i\n');
        expect(template).toContain('LoadCredential=CALSYNC:/srv/cal%%sync/profiles/%i/credentials\n');
        expect(template).toContain('EnvironmentFile=-/srv/cal%%sync/profiles/%i/calsync.env\n');
        expect(template).not.toMatch(/^Environment=CALSYNC_POLL_INTERVAL_MINUTES=/m);
      }
      const webhook = club.units.find((u) => u.name === 'calsync-webhook@.service')?.content ?? '';
      expect(webhook).toContain('Environment=NODE_OPTIONS=--max-semi-space-size=2\n');
      expect(webhook).toMatch(/ serve-webhook --host 127\.0\.0\.1 --port \$\{CALSYNC_WEBHOOK_PORT\}$/m);
      const dropIn = (name: string) => club.units.find((u) => u.name === name)?.content ?? '';
      expect(dropIn('calsync-poll@club.timer.d/calsync-profile.conf')).toContain(
        '[Timer]\nOnCalendar=\nOnCalendar=*-*-* *:00/10:00\nPersistent=true\n',
      );
      expect(dropIn('calsync-poll@club.service.d/calsync-profile.conf')).toContain(
        'Environment=CALSYNC_POLL_INTERVAL_MINUTES=10\nTimeoutStartSec=20min\n',
      );
      expect(dropIn('calsync-webhook@club.service.d/calsync-profile.conf')).toContain(
        'Environment=CALSYNC_WEBHOOK_PORT=5001\n',
      );
      expect(dropIn('calsync-health@club.service.d/calsync-profile.conf')).toContain(
        'Environment="CALSYNC_HEALTH_ARGS=--url http://127.0.0.1:5001/health"\n',
      );
      expect(club.commands).toContain(
        `${mode === 'user' ? 'systemctl --user' : 'systemctl'} enable --now calsync-poll@club.timer calsync-clean@club.timer calsync-watch@club.timer calsync-health@club.timer calsync-webhook@club.service`,
      );
    },
  );

  it('a profile without a webhook URL gets no webhook drop-in and no watch or webhook instance enabled', async () => {
    const plan = await planInstall({
      mode: 'user',
      configDir: '/c',
      pollIntervalMinutes: 7,
      webhook: false,
      dir: '/units',
      exec: EXEC,
      profile: 'home',
    });
    expect(plan.units.map((u) => u.name)).not.toContain(
      'calsync-webhook@home.service.d/calsync-profile.conf',
    );
    expect(
      plan.units.find((u) => u.name === 'calsync-poll@home.timer.d/calsync-profile.conf')?.content,
    ).toContain(
      'OnCalendar=\n# 7 does not divide an hour or a day: monotonic timers, first run soon after boot.\nOnBootSec=2min\nOnUnitInactiveSec=7min\n',
    );
    expect(plan.commands[1]).toBe(
      'systemctl --user enable --now calsync-poll@home.timer calsync-clean@home.timer calsync-health@home.timer',
    );
  });
});

describe('directories made for system units under sudo', () => {
  it("every directory mkdir made is handed to the run-as user, so root's profiles/ does not shut it out", () => {
    // mkdir -p of /srv/c/profiles/club/credentials when only /srv existed: it made /srv/c first.
    expect(madeDirs('/srv/c', '/srv/c/profiles/club/credentials')).toEqual([
      '/srv/c',
      '/srv/c/profiles',
      '/srv/c/profiles/club',
      '/srv/c/profiles/club/credentials',
    ]);
    expect(madeDirs(undefined, '/srv/c/profiles/club')).toEqual(['/srv/c/profiles/club']);
    expect(madeDirs('/srv/c/profiles/club', '/srv/c/profiles/club')).toEqual(['/srv/c/profiles/club']);
  });
});

describe('--webhook-port', () => {
  it('moves the default units webhook server and the health check that probes it', async () => {
    const plan = await planInstall({
      mode: 'user',
      configDir: '/c',
      pollIntervalMinutes: 5,
      webhook: true,
      webhookPort: 5100,
      dir: '/units',
      exec: EXEC,
    });
    const content = (name: string) => plan.units.find((u) => u.name === name)?.content ?? '';
    expect(content('calsync-webhook.service')).toMatch(/ serve-webhook --host 127\.0\.0\.1 --port 5100$/m);
    expect(content('calsync-health.service')).toMatch(
      / health-check --url http:\/\/127\.0\.0\.1:5100\/health$/m,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('calsync systemd install|uninstall --profile (built binary)', () => {
  it('two profiles beside the default units; uninstall removes exactly one profile, and the templates with the last', async () => {
    cli = cliEnv(undefined, {});
    const c = cli;
    const env = { XDG_CONFIG_HOME: c.dir };
    const units = join(c.dir, 'systemd', 'user');
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const r = await c.run(args, { ...env, ...extra });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    await run(['config', 'set', 'webhookUrl', 'https://club.example.org/webhook'], {
      CALSYNC_PROFILE: 'club',
    });
    const refused = await c.run(['--profile', 'club', 'systemd', 'install'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--webhook-port <port>');

    await run(['systemd', 'install']);
    const plain = tree(units);
    const dry = await run(['systemd', 'install', '--profile', 'club', '--webhook-port', '5001', '--dry-run']);
    expect(dry).toContain('# dry run: nothing written. 15 user units (profile club');
    expect(tree(units)).toEqual(plain);
    await run(['--profile', 'club', 'systemd', 'install', '--webhook-port', '5001']);
    await run(['systemd', 'install'], { CALSYNC_PROFILE: 'home' });
    expect(existsSync(join(c.dir, 'profiles', 'home', 'credentials'))).toBe(true);
    // What `systemctl --user enable` makes for instances: links to the template.
    mkdirSync(join(units, 'timers.target.wants'), { recursive: true });
    for (const p of ['club', 'home'])
      symlinkSync(
        join(units, 'calsync-poll@.timer'),
        join(units, 'timers.target.wants', `calsync-poll@${p}.timer`),
      );
    symlinkSync(join(units, 'calsync-poll.timer'), join(units, 'timers.target.wants', 'calsync-poll.timer'));
    const all = tree(units);
    expect(all).toEqual(
      expect.arrayContaining([
        ...UNIT_NAMES,
        ...TEMPLATE_NAMES,
        'calsync-poll@home.timer.d/calsync-profile.conf',
      ]),
    );

    const dryRemove = await run(['--profile', 'club', 'systemd', 'uninstall', '--dry-run']);
    expect(dryRemove).toContain('dry run: nothing removed');
    expect(tree(units)).toEqual(all);

    const club = await run(['--profile', 'club', 'systemd', 'uninstall']);
    expect(club).toContain('kept the templates (calsync-poll@.service…): profile home still uses them');
    expect(club).toContain('systemctl --user stop calsync-poll@club.service calsync-poll@club.timer');
    const gone = all.filter((f) => !tree(units).includes(f));
    expect(gone).toEqual(
      [
        'timers.target.wants/calsync-poll@club.timer',
        ...['poll', 'clean', 'watch', 'health', 'webhook'].map(
          (u) => `calsync-${u}@club.service.d/calsync-profile.conf`,
        ),
        'calsync-poll@club.timer.d/calsync-profile.conf',
      ].sort(),
    );
    expect(existsSync(join(units, 'calsync-poll@club.timer.d'))).toBe(false);

    await run(['systemd', 'uninstall'], { CALSYNC_PROFILE: 'home' });
    // Only the default units and their link are left: untouched.
    expect(tree(units)).toEqual([...plain, 'timers.target.wants/calsync-poll.timer'].sort());
    const again = await run(['systemd', 'uninstall', '--profile', 'home']);
    expect(again).toContain('no calsync user units of profile home');
  });
});
