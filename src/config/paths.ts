import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { SettingSource } from './types.js';

/** The config dir and how it was chosen (for `calsync config show`). */
export function resolveConfigDir(env: NodeJS.ProcessEnv = process.env): {
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

/** $CALSYNC_CONFIG_DIR, else $XDG_CONFIG_HOME/calsync, else ~/.config/calsync. */
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
