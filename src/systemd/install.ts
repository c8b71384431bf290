import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execCommand, passwdEntry, runAsUser, unitDir } from './paths.js';
import { renderUnit, type InstallMode, type UnitVariables } from './render.js';
import { TIMER_NAMES, UNIT_NAMES, readTemplate } from './units.js';

export interface InstallOptions {
  mode: InstallMode;
  configDir: string;
  pollIntervalMinutes: number;
  /** Enable the webhook server too (only useful with a webhook URL). */
  webhook: boolean;
  env?: NodeJS.ProcessEnv;
  /** Overrides for tests: the command line and the target directory. */
  exec?: string;
  dir?: string;
}

export interface RenderedUnit {
  name: string;
  path: string;
  content: string;
}

export interface InstallPlan {
  mode: InstallMode;
  dir: string;
  units: RenderedUnit[];
  /** The directories the units need before their first start. */
  directories: string[];
  /** Who must own them (system units run as this user, not as root who installs them). */
  owner?: { uid: number; gid: number };
  /** What the operator runs next, in order. */
  commands: string[];
}

export async function planInstall(opts: InstallOptions): Promise<InstallPlan> {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? unitDir(opts.mode, env);
  const configDir = opts.configDir;
  const owner = opts.mode === 'system' && env.SUDO_USER ? passwdEntry(env.SUDO_USER) : undefined;
  const vars: UnitVariables = {
    exec: opts.exec ?? execCommand(),
    configDir,
    pollIntervalMinutes: opts.pollIntervalMinutes,
    mode: opts.mode,
    runAs: runAsUser(env),
    webhook: opts.webhook,
  };
  const units = await Promise.all(
    UNIT_NAMES.map(async (name) => ({
      name,
      path: join(dir, name),
      content: renderUnit(await readTemplate(name), vars),
    })),
  );
  return {
    mode: opts.mode,
    dir,
    units,
    // ReadWritePaths= and LoadCredential= fail the unit if these are missing.
    directories: [configDir, join(configDir, 'credentials')],
    ...(owner ? { owner: { uid: owner.uid, gid: owner.gid } } : {}),
    commands: systemctlCommands(opts.mode, opts.webhook, runAsUser(env)),
  };
}

export function systemctlCommands(mode: InstallMode, webhook: boolean, user: string): string[] {
  const ctl = mode === 'user' ? 'systemctl --user' : 'systemctl';
  // Without a webhook URL the watch timer could only fail daily (watch needs the URL): leave it off.
  const timers = webhook ? TIMER_NAMES : TIMER_NAMES.filter((n) => n !== 'calsync-watch.timer');
  const enable = [...timers, ...(webhook ? ['calsync-webhook.service'] : [])];
  return [
    `${ctl} daemon-reload`,
    `${ctl} enable --now ${enable.join(' ')}`,
    // Without lingering, user timers stop at logout and do not start at boot.
    ...(mode === 'user' ? [`loginctl enable-linger ${user}`] : []),
    `${ctl} list-timers 'calsync-*'`,
  ];
}

/** Writes the units (mode 644: systemd reads them; they hold no secret) and creates the directories. */
export async function writePlan(plan: InstallPlan): Promise<void> {
  await mkdir(plan.dir, { recursive: true });
  for (const d of plan.directories) {
    await mkdir(d, { recursive: true, mode: 0o700 });
    await chmod(d, 0o700);
    if (plan.owner) await chown(d, plan.owner.uid, plan.owner.gid);
  }
  for (const unit of plan.units) await writeFile(unit.path, unit.content, { mode: 0o644 });
}
