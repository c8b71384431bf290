import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { profileDir } from '../config/paths.js';
import { execCommand, passwdEntry, runAsUser, unitDir } from './paths.js';
import { DROP_IN_FILE, instanceDropIn, renderUnit, type InstallMode, type UnitVariables } from './render.js';
import { TIMER_NAMES, UNIT_NAMES, instanceName, readTemplate, templateName, type UnitName } from './units.js';

export interface InstallOptions {
  mode: InstallMode;
  /** The config dir; with `profile`, the config root (the profile's dir is `<configDir>/profiles/<profile>`). */
  configDir: string;
  pollIntervalMinutes: number;
  /** Enable the webhook server too (only useful with a webhook URL). */
  webhook: boolean;
  /** serve-webhook's port (default 5000). */
  webhookPort?: number;
  /** A profile: the instance templates (`calsync-poll@.timer`…) and this profile's drop-ins. */
  profile?: string;
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
  /** The profile whose instances these are; absent for the default units. */
  profile?: string;
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
  const { profile } = opts;
  const configDir = profile === undefined ? opts.configDir : profileDir(opts.configDir, profile);
  const owner = opts.mode === 'system' && env.SUDO_USER ? passwdEntry(env.SUDO_USER) : undefined;
  const vars: UnitVariables = {
    exec: opts.exec ?? execCommand(),
    configDir: opts.configDir,
    pollIntervalMinutes: opts.pollIntervalMinutes,
    mode: opts.mode,
    runAs: runAsUser(env),
    webhook: opts.webhook,
    ...(opts.webhookPort !== undefined ? { webhookPort: opts.webhookPort } : {}),
    ...(profile !== undefined ? { template: true } : {}),
  };
  const units: RenderedUnit[] = await Promise.all(
    UNIT_NAMES.map(async (unit) => {
      const name = profile === undefined ? unit : templateName(unit);
      return { name, path: join(dir, name), content: renderUnit(await readTemplate(unit), vars) };
    }),
  );
  if (profile !== undefined) units.push(...dropIns(dir, profile, opts));
  return {
    mode: opts.mode,
    ...(profile !== undefined ? { profile } : {}),
    dir,
    units,
    // ReadWritePaths= and LoadCredential= fail the unit if these are missing.
    directories: [configDir, join(configDir, 'credentials')],
    ...(owner ? { owner: { uid: owner.uid, gid: owner.gid } } : {}),
    commands: systemctlCommands(opts.mode, opts.webhook, runAsUser(env), profile),
  };
}

/** A profile's own interval, schedule and port, one drop-in per instance that has any. */
function dropIns(dir: string, profile: string, opts: InstallOptions): RenderedUnit[] {
  const out: RenderedUnit[] = [];
  for (const unit of UNIT_NAMES) {
    const content = instanceDropIn(unit, profile, opts);
    if (content === undefined) continue;
    const name = `${instanceName(unit, profile)}.d/${DROP_IN_FILE}`;
    out.push({ name, path: join(dir, name), content });
  }
  return out;
}

export function systemctlCommands(
  mode: InstallMode,
  webhook: boolean,
  user: string,
  profile?: string,
): string[] {
  const ctl = mode === 'user' ? 'systemctl --user' : 'systemctl';
  // Without a webhook URL the watch timer could only fail daily (watch needs the URL): leave it off.
  const timers = webhook ? TIMER_NAMES : TIMER_NAMES.filter((n) => n !== 'calsync-watch.timer');
  const enable: UnitName[] = [...timers, ...(webhook ? (['calsync-webhook.service'] as const) : [])];
  const named = profile === undefined ? enable : enable.map((n) => instanceName(n, profile));
  return [
    `${ctl} daemon-reload`,
    `${ctl} enable --now ${named.join(' ')}`,
    // Without lingering, user timers stop at logout and do not start at boot.
    ...(mode === 'user' ? [`loginctl enable-linger ${user}`] : []),
    `${ctl} list-timers '${profile === undefined ? 'calsync-*' : `calsync-*@${profile}.*`}'`,
  ];
}

/** The directories from `first` (the first one mkdir made, if any) down to `dir`; at least `dir`. */
export function madeDirs(first: string | undefined, dir: string): string[] {
  if (first === undefined || first === dir || !dir.startsWith(`${first}/`)) return [dir];
  const chain = [dir];
  for (let d = dirname(dir); d.length >= first.length; d = dirname(d)) chain.unshift(d);
  return chain;
}

/** Writes the units (mode 644: systemd reads them; they hold no secret) and creates the directories. */
export async function writePlan(plan: InstallPlan): Promise<void> {
  await mkdir(plan.dir, { recursive: true });
  for (const d of plan.directories) {
    const first = await mkdir(d, { recursive: true, mode: 0o700 });
    await chmod(d, 0o700);
    // Every directory made here, not only the last: a profile's `<config root>/profiles/` made by
    // root under sudo would otherwise shut the run-as user out of the profile's dir.
    if (plan.owner) for (const c of madeDirs(first, d)) await chown(c, plan.owner.uid, plan.owner.gid);
  }
  for (const unit of plan.units) {
    // A drop-in's directory (`calsync-poll@club.timer.d/`): readable by systemd like the units.
    if (dirname(unit.path) !== plan.dir) await mkdir(dirname(unit.path), { recursive: true, mode: 0o755 });
    await writeFile(unit.path, unit.content, { mode: 0o644 });
  }
}
