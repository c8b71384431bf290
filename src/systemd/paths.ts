import { realpathSync } from 'node:fs';
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
