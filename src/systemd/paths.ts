import { readFileSync, realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteExecWord, type InstallMode } from './render.js';

/**
 * The command line the units run: this very node binary and this package's
 * bin/calsync.js, both resolved to real paths, so a unit keeps working when
 * PATH differs under systemd (nvm, npm global installs, symlinked bins).
 */
export function execCommand(nodePath = process.execPath, binPath = packageBin()): string {
  return `${quoteExecWord(realpathOr(nodePath))} ${quoteExecWord(realpathOr(binPath))}`;
}

export function packageBin(): string {
  return fileURLToPath(new URL('../../bin/calsync.js', import.meta.url));
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** User units: `$XDG_CONFIG_HOME/systemd/user` (else ~/.config/systemd/user); system units: /etc/systemd/system. */
export function unitDir(mode: InstallMode, env: NodeJS.ProcessEnv = process.env): string {
  if (mode === 'system') return '/etc/systemd/system';
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME ?? homedir(), '.config');
  return join(base, 'systemd', 'user');
}

/** System units run as the user who ran the install (through sudo: the one who called sudo). */
export function runAsUser(env: NodeJS.ProcessEnv = process.env): string {
  return env.SUDO_USER || userInfo().username;
}

export interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
}

/** A user's uid, gid and home from /etc/passwd (sudo sets HOME=/root, so the environment cannot tell). */
export function passwdEntry(user: string, passwd = '/etc/passwd'): PasswdEntry | undefined {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name === user && uid !== undefined && gid !== undefined && home)
      return { uid: Number(uid), gid: Number(gid), home };
  }
  return undefined;
}

/**
 * The config dir system units use: one set explicitly (CALSYNC_CONFIG_DIR,
 * XDG_CONFIG_HOME) stays; the default one is the run-as user's own
 * `~/.config/calsync`, not root's when run through sudo.
 */
export function systemConfigDir(
  configured: string,
  explicit: boolean,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (explicit || !env.SUDO_USER) return configured;
  const entry = passwdEntry(env.SUDO_USER);
  return entry ? join(entry.home, '.config', 'calsync') : configured;
}
