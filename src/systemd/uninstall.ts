/**
 * `calsync systemd uninstall`: the reverse of install. It disables the units
 * the way `systemctl disable` does (removing their symlinks in the
 * `*.wants/` directories), removes the unit files install wrote (a file of
 * the same name that install did not render stays), and prints the
 * `systemctl` commands that stop what still runs and reload systemd, as
 * install prints the ones that start them.
 *
 * With a profile it does the same for that profile's instances only
 * (`calsync-poll@club.timer`…): their links and drop-ins go, and the
 * instance templates too once no other profile's instance is left (another
 * profile's links or drop-ins keep them: removing a template stops every
 * profile's units at the next reload).
 */
import { lstat, readFile, readdir, readlink, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { unitDir } from './paths.js';
import { DROP_IN_FILE, DROP_IN_MARK, type InstallMode } from './render.js';
import { TEMPLATE_NAMES, UNIT_NAMES, instanceName, templateName } from './units.js';

/** The first line of every unit install renders (the templates in systemd/). */
export const RENDERED_MARK = '# Rendered by `calsync systemd install`';

export interface UninstallPlan {
  mode: InstallMode;
  /** The profile whose instances go; absent for the default units. */
  profile?: string;
  dir: string;
  /** Unit files install wrote (for a profile: its drop-ins, and the templates when no other profile uses them). */
  units: string[];
  /** For a profile: other profiles whose instances keep the templates. */
  otherProfiles?: string[];
  /** Symlinks that enable them (what `systemctl disable` removes). */
  links: string[];
  /** Files with a calsync unit's name that install did not write: left alone. */
  foreign: string[];
  /** What the operator runs next, in order. */
  commands: string[];
}

const UNIT_SET = new Set<string>(UNIT_NAMES);

async function isRendered(path: string, mark: string = RENDERED_MARK): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')).startsWith(mark);
  } catch {
    return false;
  }
}

/** The symlinks in `*.wants/` and `*.requires/` named in `names`, with what each links to. */
async function wantsLinks(dir: string): Promise<{ path: string; entry: string; target: string }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const links: { path: string; entry: string; target: string }[] = [];
  for (const wants of names.filter((n) => n.endsWith('.wants') || n.endsWith('.requires'))) {
    let entries: string[];
    try {
      entries = await readdir(join(dir, wants));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, wants, entry);
      if (!(await lstat(path)).isSymbolicLink()) continue;
      links.push({ path, entry, target: basename(await readlink(path)) });
    }
  }
  return links;
}

async function enablingLinks(dir: string): Promise<string[]> {
  // Only a link to the unit of that name: something else enabled under the name is not ours.
  return (await wantsLinks(dir))
    .filter((l) => UNIT_SET.has(l.entry) && l.target === l.entry)
    .map((l) => l.path)
    .sort();
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

export async function planUninstall(opts: {
  mode: InstallMode;
  env?: NodeJS.ProcessEnv;
  dir?: string;
  profile?: string;
}): Promise<UninstallPlan> {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? unitDir(opts.mode, env);
  if (opts.profile !== undefined) return planProfileUninstall(opts.mode, dir, opts.profile);
  const units: string[] = [];
  const foreign: string[] = [];
  for (const name of UNIT_NAMES) {
    const path = join(dir, name);
    if (!(await exists(path))) continue;
    if (await isRendered(path)) units.push(path);
    else foreign.push(path);
  }
  const links = await enablingLinks(dir);
  const ctl = opts.mode === 'user' ? 'systemctl --user' : 'systemctl';
  const names = units.map((u) => basename(u));
  const commands =
    names.length || links.length
      ? [
          // A unit whose file is gone stays loaded until the reload: stopping it still works.
          `${ctl} stop ${(names.length ? names : [...UNIT_NAMES]).join(' ')}`,
          `${ctl} daemon-reload`,
          `${ctl} reset-failed 'calsync-*'`,
        ]
      : [];
  return { mode: opts.mode, dir, units, links, foreign, commands };
}

/** `calsync-poll@club.timer` → `club`, for instances of calsync's templates only. */
function instanceOf(name: string): string | undefined {
  const m = /^(calsync-[a-z]+)@([^.]+)\.(service|timer)$/.exec(name);
  if (!m || !TEMPLATE_NAMES.includes(`${m[1]}@.${m[3]}`)) return undefined;
  return m[2];
}

/** Profiles with an instance here: a link enabling one, or a drop-in install wrote. */
async function profilesWithInstances(dir: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (const link of await wantsLinks(dir)) {
    const profile = instanceOf(link.entry);
    if (profile !== undefined && TEMPLATE_NAMES.includes(link.target)) found.add(profile);
  }
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    // No unit directory: no instance.
  }
  for (const name of names.filter((n) => n.endsWith('.d'))) {
    const profile = instanceOf(name.slice(0, -2));
    if (profile !== undefined && (await isRendered(join(dir, name, DROP_IN_FILE), DROP_IN_MARK)))
      found.add(profile);
  }
  return found;
}

async function planProfileUninstall(mode: InstallMode, dir: string, profile: string): Promise<UninstallPlan> {
  const instances = new Set(UNIT_NAMES.map((n) => instanceName(n, profile)));
  const links = (await wantsLinks(dir))
    .filter((l) => instances.has(l.entry) && (l.target === l.entry || TEMPLATE_NAMES.includes(l.target)))
    .map((l) => l.path)
    .sort();
  const units: string[] = [];
  const foreign: string[] = [];
  for (const instance of instances) {
    const path = join(dir, `${instance}.d`, DROP_IN_FILE);
    if (!(await exists(path))) continue;
    if (await isRendered(path, DROP_IN_MARK)) units.push(path);
    else foreign.push(path);
  }
  const others = [...(await profilesWithInstances(dir))].filter((p) => p !== profile).sort();
  if (others.length === 0)
    for (const unit of UNIT_NAMES) {
      const path = join(dir, templateName(unit));
      if (!(await exists(path))) continue;
      if (await isRendered(path)) units.push(path);
      else foreign.push(path);
    }
  const ctl = mode === 'user' ? 'systemctl --user' : 'systemctl';
  const commands =
    units.length || links.length
      ? [
          `${ctl} stop ${[...instances].join(' ')}`,
          `${ctl} daemon-reload`,
          `${ctl} reset-failed 'calsync-*@${profile}.*'`,
        ]
      : [];
  return { mode, profile, dir, units, otherProfiles: others, links, foreign, commands };
}

export async function carryOutUninstall(plan: UninstallPlan): Promise<void> {
  for (const link of plan.links) await rm(link, { force: true });
  for (const unit of plan.units) {
    await rm(unit, { force: true });
    // A drop-in's directory goes with its last file; one holding a file of someone else's stays.
    if (dirname(unit) !== plan.dir) await rmdir(dirname(unit)).catch(() => undefined);
  }
}
