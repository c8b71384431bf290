/**
 * `calsync config set|unset`: config.json is written with `conf` (atomic
 * write, ajv schema check), after the would-be content passed the same checks
 * as a load. conf is imported here only, so polls never pay for it.
 */
import { mkdirSync } from 'node:fs';
import { ConfigError, UsageError, errorMessage } from '../errors.js';
import { checkConfigObject, readConfigObject, secretHint } from './configFile.js';
import { configFilePath, resolveConfigDir } from './paths.js';
import { CONFIG_ROOT_SCHEMA, configPropertySchemas, type ConfigDocument } from './schema.js';
import { CONFIG_FILE_KEYS, SETTING_SPECS, isConfigFileKey, isSettingKey, type SettingKey } from './spec.js';
import { resolveSettings } from './load.js';
import { SEPARATE_SHARED_CALENDAR_FIX, sharedCalendarProblem } from './shared-calendar.js';
import type { LoadedSettings } from './types.js';
import { parseText, quotedInput } from './values.js';
import { didYouMean } from '../util/did-you-mean.js';

export interface ConfigChange {
  file: string;
  key: string;
  /** The value written; undefined after unset. */
  value: unknown;
  /** False when unset found nothing to remove. */
  changed: boolean;
}

function settableKey(key: string): SettingKey {
  if (isSettingKey(key) && SETTING_SPECS[key].secret) {
    throw new ConfigError(`${key} is a secret and is not stored in config.json`, { hint: secretHint(key) });
  }
  if (!isConfigFileKey(key)) {
    throw new UsageError(`unknown key "${key}"${didYouMean(key, CONFIG_FILE_KEYS)}`, {
      hint: `valid keys: ${CONFIG_FILE_KEYS.join(', ')}`,
    });
  }
  return key;
}

/** Runs the load-time checks (values and cross-checks) on a would-be config.json. */
function checkWouldBe(
  dir: string,
  document: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): LoadedSettings {
  const path = configFilePath(dir);
  const values = checkConfigObject(path, document);
  return resolveSettings({
    env,
    configDir: dir,
    configDirSource: 'default',
    file: { path, exists: true, values },
  });
}

/** The shared-calendar problem of settings as they are now; none when they do not load. */
function currentSharedProblem(dir: string, document: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  try {
    return sharedCalendarProblem(checkWouldBe(dir, document, env).settings);
  } catch {
    return undefined;
  }
}

/**
 * A shared calendar that is also a source calendar stops every poll
 * (config/shared-calendar.ts): a change that makes it so is refused. One that
 * leaves a config from an older calsync as it was is not, so that such a
 * config can be repaired one key at a time.
 */
function refuseSourceAsShared(key: string, wouldBe: LoadedSettings, current: () => string | undefined): void {
  const problem = sharedCalendarProblem(wouldBe.settings);
  if (problem === undefined || current() !== undefined) return;
  throw new ConfigError(`cannot set ${key}: ${problem}`, { hint: SEPARATE_SHARED_CALENDAR_FIX });
}

function passesChecks(dir: string, document: Record<string, unknown>, env: NodeJS.ProcessEnv): boolean {
  try {
    checkWouldBe(dir, document, env);
    return true;
  } catch (err) {
    if (err instanceof ConfigError) return false;
    throw err;
  }
}

/** conf says "Config schema violation: `key` must be …": rewrite it as our one line naming file and key. */
function rewriteConfError(path: string, err: unknown): ConfigError {
  const text = errorMessage(err);
  const match = /^Config schema violation: `([^`]*)` ([^;]*)/.exec(text);
  if (match) return new ConfigError(`${path}: key "${match[1] ?? ''}": ${match[2] ?? ''}`);
  return new ConfigError(`${path}: cannot write: ${text}`, { cause: err });
}

async function withConf(
  dir: string,
  validate: boolean,
  fn: (conf: { set(k: string, v: unknown): void; delete(k: string): void }) => void,
): Promise<void> {
  const { default: Conf } = await import('conf');
  const path = configFilePath(dir);
  try {
    // The config dir also holds tokens and state: private from the start.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const conf = new Conf<ConfigDocument>({
      cwd: dir,
      configName: 'config',
      projectSuffix: '',
      // Never reset a file conf finds invalid (conf's default today, stated so it stays so).
      clearInvalidConfig: false,
      // Calendar ids contain dots: a dot in a key is not a path.
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
      ...(validate ? { schema: configPropertySchemas(), rootSchema: CONFIG_ROOT_SCHEMA } : {}),
    });
    fn(conf);
  } catch (err) {
    throw rewriteConfError(path, err);
  }
}

export async function setConfigValue(
  key: string,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfigChange> {
  const settable = settableKey(key);
  const { kind } = SETTING_SPECS[settable];
  const checked = parseText(kind, text);
  if (!checked.ok)
    throw new UsageError(`key "${key}": ${checked.problem} (got "${quotedInput(kind, text)}")`);
  const dir = resolveConfigDir(env).dir;
  const file = configFilePath(dir);
  // The current file must be valid: conf would refuse it, and we never write over what we cannot read.
  const current = readConfigObject(file) ?? {};
  checkConfigObject(file, current);
  const wouldBe = checkWouldBe(dir, { ...current, [settable]: checked.value }, env);
  refuseSourceAsShared(settable, wouldBe, () => currentSharedProblem(dir, current, env));
  await withConf(dir, true, (conf) => conf.set(settable, checked.value));
  return { file, key: settable, value: checked.value, changed: true };
}

/** Unset also accepts a key only the file knows (a typo, a secret put there by hand): that is how a user fixes it. */
export async function unsetConfigValue(
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConfigChange> {
  const dir = resolveConfigDir(env).dir;
  const file = configFilePath(dir);
  const current = readConfigObject(file);
  if (current === undefined || !Object.hasOwn(current, key)) {
    if (!isSettingKey(key)) settableKey(key);
    return { file, key, value: undefined, changed: false };
  }
  const rest = { ...current };
  delete rest[key];
  // Refuse only to break a valid file (e.g. sourceCalendars under calendarAccounts); a file that
  // is already invalid may be repaired one key at a time.
  if (passesChecks(dir, current, env)) checkWouldBe(dir, rest, env);
  // No schema for this write: the key being removed may be the very one conf's schema rejects;
  // what remains was checked just above.
  await withConf(dir, false, (conf) => conf.delete(key));
  return { file, key, value: undefined, changed: true };
}
