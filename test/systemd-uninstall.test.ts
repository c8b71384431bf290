import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, type CliEnv } from './helpers/cli.js';

let cli: CliEnv | undefined;
afterEach(() => {
  cli?.cleanup();
  cli = undefined;
});

/** Every file and link under a directory, relative to it. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath.slice(dir.length + 1), d.name))
    .sort();
}

describe('calsync systemd uninstall (built binary)', () => {
  it('removes exactly the units install wrote and the links that enable them; others stay', async () => {
    cli = cliEnv(undefined, { CALSYNC_SOURCE_CALENDARS: 'alice@example.test' });
    const env = { XDG_CONFIG_HOME: cli.dir };
    const units = join(cli.dir, 'systemd', 'user');
    const install = await cli.run(['systemd', 'install', '--user', '--json'], env);
    expect(install.code, install.stderr).toBe(0);
    const written = (JSON.parse(install.stdout) as { units: { name: string }[] }).units.map((u) => u.name);
    // What `systemctl --user enable` makes, and things that are not calsync's.
    mkdirSync(join(units, 'timers.target.wants'));
    symlinkSync(join(units, 'calsync-poll.timer'), join(units, 'timers.target.wants', 'calsync-poll.timer'));
    symlinkSync(join(units, 'other.timer'), join(units, 'timers.target.wants', 'other.timer'));
    writeFileSync(join(units, 'other.timer'), '[Timer]\n');
    const before = tree(units);

    const dry = await cli.run(['systemd', 'uninstall', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing removed');
    expect(tree(units)).toEqual(before);

    const res = await cli.run(['systemd', 'uninstall', '--user'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('systemctl --user daemon-reload');
    expect(res.stdout).toContain('systemctl --user stop calsync-poll.service');
    const removed = before.filter((f) => !tree(units).includes(f));
    expect(removed).toEqual([...written, 'timers.target.wants/calsync-poll.timer'].sort());
    expect(tree(units)).toEqual(['other.timer', 'timers.target.wants/other.timer']);

    const again = await cli.run(['systemd', 'uninstall'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to do');
  });

  it('a file with a calsync unit name that install did not render is left alone', async () => {
    cli = cliEnv(undefined, {});
    const units = join(cli.dir, 'systemd', 'user');
    mkdirSync(units, { recursive: true });
    writeFileSync(join(units, 'calsync-poll.service'), '[Service]\nExecStart=/bin/true\n');
    const res = await cli.run(['systemd', 'uninstall', '--json'], { XDG_CONFIG_HOME: cli.dir });
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as { foreign: string[] }).foreign).toEqual([
      join(units, 'calsync-poll.service'),
    ]);
    expect(existsSync(join(units, 'calsync-poll.service'))).toBe(true);
  });

  it('--user with --system is a usage error', async () => {
    cli = cliEnv(undefined, {});
    expect((await cli.run(['systemd', 'uninstall', '--user', '--system'])).code).toBe(2);
  });
});
