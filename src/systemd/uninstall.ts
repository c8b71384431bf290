/**
 * `calsync systemd uninstall`: the reverse of install. It disables the units
 * the way `systemctl disable` does (removing their symlinks in the
 * `*.wants/` directories), removes the unit files install wrote (a file of
 * the same name that install did not render stays), and prints the
 * `systemctl` commands that stop what still runs and reload systemd, as
 * install prints the ones that start them.
 */
import { lstat, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { unitDir } from './paths.js';
import type { InstallMode } from './render.js';
import { UNIT_NAMES } from './units.js';

/** The first line of every unit install renders (the templates in systemd/). */
export const RENDERED_MARK = '# Rendered by `calsync systemd install`';

export interface UninstallPlan {
  mode: InstallMode;
  dir: string;
  /** Unit files install wrote. */
  units: string[];
  /** Symlinks that enable them (what `systemctl disable` removes). */
  links: string[];
  /** Files with a calsync unit's name that install did not write: left alone. */
  foreign: string[];
  /** What the operator runs next, in order. */
  commands: string[];
}

const UNIT_SET = new Set<string>(UNIT_NAMES);

async function isRendered(path: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')).startsWith(RENDERED_MARK);
  } catch {
    return false;
  }
}

async function enablingLinks(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const links: string[] = [];
  for (const wants of names.filter((n) => n.endsWith('.wants') || n.endsWith('.requires'))) {
    let entries: string[];
    try {
      entries = await readdir(join(dir, wants));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, wants, entry);
      if (!UNIT_SET.has(entry) || !(await lstat(path)).isSymbolicLink()) continue;
      // Only a link to the unit of that name: something else enabled under the name is not ours.
      if (basename(await readlink(path)) === entry) links.push(path);
    }
  }
  return links.sort();
}

export async function planUninstall(opts: {
  mode: InstallMode;
  env?: NodeJS.ProcessEnv;
  dir?: string;
}): Promise<UninstallPlan> {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? unitDir(opts.mode, env);
  const units: string[] = [];
  const foreign: string[] = [];
  for (const name of UNIT_NAMES) {
    const path = join(dir, name);
    const exists = await lstat(path).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
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

export async function carryOutUninstall(plan: UninstallPlan): Promise<void> {
  for (const link of plan.links) await rm(link, { force: true });
  for (const unit of plan.units) await rm(unit, { force: true });
}
