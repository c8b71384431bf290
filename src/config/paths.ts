import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import type { SettingSource } from './types.js';

/** A profile in effect: its name and what chose it (the flag or the variable). */
export interface ProfileChoice {
  name: string;
  origin: '--profile' | 'CALSYNC_PROFILE';
}

/** How the config dir was chosen (for `calsync config show`). */
export interface ResolvedConfigDir {
  dir: string;
  source: SettingSource;
  origin: string;
  /** The config dir without a profile: profiles live in its `profiles/` directory. */
  root: string;
  profile?: ProfileChoice;
}

/**
 * A profile name becomes a path component (`profiles/<name>`) and a systemd
 * instance name (`calsync-poll@<name>.timer`, where `%i` puts it in paths):
 * lower case so two names never meet on a case-insensitive disk, no `.` or
 * `/`, no `\` or `%` that systemd would read as escapes or specifiers.
 */
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * `default` names the install without a profile (`auth --from-profile default`),
 * so it cannot be a profile's name.
 */
export const DEFAULT_PROFILE = 'default';

/** Why `name` cannot be a profile's name, or undefined when it can. */
export function profileNameProblem(name: string): string | undefined {
  if (name === DEFAULT_PROFILE)
    return `"${DEFAULT_PROFILE}" is the install without a profile: leave out --profile (and CALSYNC_PROFILE) for it`;
  if (!PROFILE_NAME.test(name))
    return 'a profile name is 1 to 32 lower-case letters, digits, "-" or "_", starting with a letter or digit';
  return undefined;
}

export function isProfileName(name: string): boolean {
  return profileNameProblem(name) === undefined;
}

// The --profile flag, once the command line is read: flags beat CALSYNC_PROFILE, as for every setting.
let profileFlag: string | undefined;

/** Takes the --profile flag (a usage error, exit 2, when the name cannot be one). */
export function selectProfile(name: string | undefined): void {
  if (name === undefined) return;
  const problem = profileNameProblem(name);
  if (problem)
    throw new UsageError(`--profile "${name}": ${problem}`, {
      hint: 'e.g. --profile club (profiles live in <config dir>/profiles/<name>)',
    });
  profileFlag = name;
}

/** The profile in effect: the --profile flag, else CALSYNC_PROFILE (empty means none), else none. */
export function profileChoice(env: NodeJS.ProcessEnv = process.env): ProfileChoice | undefined {
  if (profileFlag !== undefined && env === process.env) return { name: profileFlag, origin: '--profile' };
  const name = env.CALSYNC_PROFILE?.trim();
  if (!name) return undefined;
  const problem = profileNameProblem(name);
  if (problem)
    throw new ConfigError(`CALSYNC_PROFILE="${name}": ${problem}`, {
      hint: 'set CALSYNC_PROFILE to a valid name (e.g. club), or unset it for the install without a profile',
    });
  return { name, origin: 'CALSYNC_PROFILE' };
}

/** The profiles that exist under a config root (a directory with a valid name each), sorted. */
export function listProfiles(root: string): string[] {
  try {
    return readdirSync(join(root, 'profiles'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && isProfileName(d.name))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** A profile's config dir: `<config root>/profiles/<name>`. */
export function profileDir(root: string, name: string): string {
  return join(root, 'profiles', name);
}

/** The config dir without a profile: $CALSYNC_CONFIG_DIR, else $XDG_CONFIG_HOME/calsync, else ~/.config/calsync. */
export function resolveConfigRoot(env: NodeJS.ProcessEnv = process.env): {
  dir: string;
  source: SettingSource;
  origin: string;
} {
  const explicit = env.CALSYNC_CONFIG_DIR?.trim();
  if (explicit) return { dir: explicit, source: 'environment', origin: 'CALSYNC_CONFIG_DIR' };
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME?.trim();
  if (xdg && isAbsolute(xdg))
    return { dir: join(xdg, 'calsync'), source: 'environment', origin: 'XDG_CONFIG_HOME' };
  const home = env.HOME?.trim() || homedir();
  return { dir: join(home, '.config', 'calsync'), source: 'default', origin: 'default' };
}

/**
 * The config dir and how it was chosen: the config root, or with a profile
 * (`--profile`, `CALSYNC_PROFILE`) the root's `profiles/<name>`. `env` other
 * than process.env (a test's, `config set`'s check) ignores the --profile flag.
 */
export function resolveConfigDir(env: NodeJS.ProcessEnv = process.env): ResolvedConfigDir {
  const root = resolveConfigRoot(env);
  const profile = profileChoice(env);
  if (!profile) return { ...root, root: root.dir };
  return {
    dir: profileDir(root.dir, profile.name),
    source: profile.origin === '--profile' ? 'flag' : 'environment',
    origin: profile.origin,
    root: root.dir,
    profile,
  };
}

/** The config dir: the config root, or a profile's dir in it. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveConfigDir(env).dir;
}

export function configFilePath(dir: string): string {
  return join(dir, 'config.json');
}

export function stateFilePath(dir: string): string {
  return join(dir, 'state.json');
}

export function tokensDirPath(dir: string): string {
  return join(dir, 'tokens');
}

/** Where `watch` keeps the webhook token it generated when CALSYNC_WEBHOOK_TOKEN is unset. */
export function webhookTokenPath(dir: string): string {
  return join(dir, 'webhook-token');
}
