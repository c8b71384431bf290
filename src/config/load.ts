/**
 * The effective settings of one run: flags > environment (and secret files,
 * credentials) > config.json > defaults. Synchronous and read-only: it runs on
 * every poll, and never creates or rewrites a file.
 */
import { ConfigError } from '../errors.js';
import { readConfigFile, fileKeyError, type ConfigFile } from './configFile.js';
import { readEnvSetting } from './environment.js';
import type { FoundValue } from './found.js';
import { resolveConfigDir } from './paths.js';
import { checkDelegation, keyFilePath } from './delegation.js';
import { SEPARATE_SHARED_CALENDAR_FIX, sharedCalendarProblem } from './shared-calendar.js';
import { readSecretFile, readSecretSetting } from './secrets.js';
import { SETTING_KEYS, SETTING_SPECS, type SettingKey } from './spec.js';
import type { LoadedSettings, Settings, SettingSource } from './types.js';
import { checkValue, parseText } from './values.js';

export interface LoadOptions {
  flags?: Partial<Settings>;
  env?: NodeJS.ProcessEnv;
}

function flagValue(key: SettingKey, flags: Partial<Settings>): FoundValue | undefined {
  const value: unknown = flags[key];
  if (value === undefined) return undefined;
  // Commands parse their options; this catches NaN and the like all the same.
  const checked = checkValue(SETTING_SPECS[key].kind, value);
  if (!checked.ok) throw new ConfigError(`option for ${key}: ${checked.problem}`);
  return { value: checked.value, source: 'flag', origin: key };
}

function pick(
  key: SettingKey,
  flags: Partial<Settings>,
  env: NodeJS.ProcessEnv,
  file: ConfigFile,
): FoundValue {
  const spec = SETTING_SPECS[key];
  const fromFlag = flagValue(key, flags);
  if (fromFlag) return fromFlag;
  const fromEnv = spec.secret ? readSecretSetting(key, env) : readEnvSetting(key, env);
  if (fromEnv) return fromEnv;
  if (key in file.values) return { value: file.values[key], source: 'config.json', origin: file.path };
  // Arrays and maps are copied so no caller can change the defaults of the next load.
  const dflt = structuredClone(spec.default);
  return { value: dflt, source: 'default', origin: 'default' };
}

/** A calendarAccounts (calendarDetails, calendarColors) entry for a calendar that is not polled is a typo waiting to bite. */
function checkCalendarKeys(
  settings: Settings,
  key: 'calendarAccounts' | 'calendarDetails' | 'calendarColors',
  origin: string,
): void {
  for (const calendar of Object.keys(settings[key])) {
    if (settings.sourceCalendars.includes(calendar)) continue;
    const among = settings.sourceCalendars.length ? settings.sourceCalendars.join(', ') : 'none are set';
    const problem = `calendar "${calendar}" is not one of the source calendars (${among})`;
    throw origin.endsWith('.json')
      ? fileKeyError(origin, key, problem)
      : new ConfigError(`${origin}: ${problem}`);
  }
}

/**
 * The shared calendar must not be a source calendar (config/shared-calendar.ts),
 * named by where inviteEmail came from: config.json's path and key, or the
 * variable. Not part of every load: `config show`, `status`, health-check and
 * `purge` must still run on such a config, to show it, report it and undo it;
 * the poll refuses it (cli/poll.ts, sync/poll.ts) and `config set` never writes it.
 */
export function sharedCalendarError(loaded: LoadedSettings): ConfigError | undefined {
  const problem = sharedCalendarProblem(loaded.settings);
  if (problem === undefined) return undefined;
  const origin = loaded.origins.inviteEmail;
  const where = loaded.sources.inviteEmail === 'config.json' ? `${origin}: key "inviteEmail"` : origin;
  return new ConfigError(`${where}: ${problem}`, { hint: SEPARATE_SHARED_CALENDAR_FIX });
}

/** The key named by serviceAccountKeyFile: a secret file like any other (mode 0600, never printed). */
function readKeyFile(settings: Settings): string {
  const file = keyFilePath(settings, settings.serviceAccountKeyFile ?? '');
  const text = readSecretFile(file, 'serviceAccountKeyFile', true);
  const checked = parseText('serviceAccountKey', text);
  if (!checked.ok) throw new ConfigError(`serviceAccountKeyFile ${file}: ${checked.problem}`);
  return text;
}

/** Settings from explicit parts: `config set` checks a file's would-be content this way before writing it. */
export function resolveSettings(
  opts: LoadOptions & {
    configDir: string;
    configDirSource: SettingSource;
    configDirOrigin?: string;
    file: ConfigFile;
  },
): LoadedSettings {
  const flags = opts.flags ?? {};
  const env = opts.env ?? process.env;
  const values: Record<string, unknown> = { configDir: opts.configDir };
  const sources: Partial<Record<keyof Settings, SettingSource>> = { configDir: opts.configDirSource };
  const origins: Partial<Record<keyof Settings, string>> = {
    configDir: opts.configDirOrigin ?? opts.configDirSource,
  };
  for (const key of SETTING_KEYS) {
    const found = pick(key, flags, env, opts.file);
    values[key] = found.value;
    sources[key] = found.source;
    origins[key] = found.origin;
  }
  // Every key of Settings was filled from the table above, each value checked by its kind.
  const settings = values as unknown as Settings;
  // The deprecated name still sets the rate, unless the new one is set too.
  if (sources.quotaUnitsPerSecond === 'default' && settings.requestsPerSecond !== undefined) {
    settings.quotaUnitsPerSecond = settings.requestsPerSecond;
    sources.quotaUnitsPerSecond = sources.requestsPerSecond;
  }
  for (const key of ['calendarAccounts', 'calendarDetails', 'calendarColors'] as const)
    checkCalendarKeys(settings, key, origins[key] ?? key);
  if (settings.serviceAccountKey === undefined && settings.serviceAccountKeyFile !== undefined) {
    settings.serviceAccountKey = readKeyFile(settings);
    sources.serviceAccountKey = 'file';
    origins.serviceAccountKey = 'serviceAccountKeyFile';
  }
  return {
    settings,
    sources: sources as Record<keyof Settings, SettingSource>,
    origins: origins as Record<keyof Settings, string>,
  };
}

export function loadSettings(opts: LoadOptions = {}): LoadedSettings {
  const env = opts.env ?? process.env;
  const dirFlag = opts.flags?.configDir;
  const resolved = dirFlag
    ? { dir: dirFlag, source: 'flag' as const, origin: 'flag' }
    : resolveConfigDir(env);
  const loaded = resolveSettings({
    ...opts,
    env,
    configDir: resolved.dir,
    configDirSource: resolved.source,
    configDirOrigin: resolved.origin,
    file: readConfigFile(resolved.dir),
  });
  // Not in resolveSettings: `config set` must be able to set the key and the domains one after the other.
  checkDelegation(loaded.settings);
  return loaded;
}
