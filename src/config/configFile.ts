/**
 * Reading config.json: parsed and checked here rather than through `conf`,
 * because loading runs on every poll and conf + ajv cost ~270 ms (see schema.ts).
 * Reading never writes: a bad file is reported, never reset or rewritten.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors.js';
import { configFilePath } from './paths.js';
import { CONFIG_FILE_KEYS, SETTING_SPECS, isConfigFileKey, isSettingKey, type SettingKey } from './spec.js';
import { checkValue } from './values.js';
import { didYouMean } from '../util/did-you-mean.js';

export interface ConfigFile {
  path: string;
  exists: boolean;
  /** Checked, normalised values of the keys the file sets. */
  values: Partial<Record<SettingKey, unknown>>;
}

/** conf keeps its own bookkeeping under this key (only with migrations, which calsync does not use). */
const CONF_INTERNAL_KEY = '__internal__';

export function fileKeyError(path: string, key: string, problem: string): ConfigError {
  return new ConfigError(`${path}: key "${key}": ${problem}`, {
    hint: `fix the file, or run: calsync config unset ${key}`,
  });
}

/** The environment variables (and secret files) a secret comes from, for hints. */
export function secretHint(key: SettingKey): string {
  const name = SETTING_SPECS[key].env[0] ?? key;
  return `set ${name}, ${name}_FILE=/path/to/file or a systemd credential named ${name}`;
}

/** The parsed JSON object, unchecked; undefined when the file does not exist. */
export function readConfigObject(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${path}: cannot read: ${errorMessage(err)}`);
  }
  // An empty file (a `touch`ed one) means no settings, not an error.
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: ${jsonErrorPlace(text, err)}: not valid JSON: ${errorMessage(err)}`, {
      hint: 'fix the file (or remove it)',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${path}: must hold one JSON object of settings`, {
      hint: 'e.g. {"pollIntervalMinutes": 5}',
    });
  }
  return parsed as Record<string, unknown>;
}

/**
 * "line L, column C" of a JSON.parse error, so an editor finds the place.
 * Node 20 names only the offset ("at position 42"); later versions add the line.
 */
function jsonErrorPlace(text: string, err: unknown): string {
  const message = errorMessage(err);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineCol) return `line ${lineCol[1]}, column ${lineCol[2]}`;
  const position = /at position (\d+)/.exec(message);
  // Without a position, the text ended early: the place is the end of the file.
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Checks every key of a config.json object; throws a ConfigError naming the file and the first bad key. */
export function checkConfigObject(
  path: string,
  object: Record<string, unknown>,
): Partial<Record<SettingKey, unknown>> {
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === CONF_INTERNAL_KEY) continue;
    if (isSettingKey(key) && SETTING_SPECS[key].secret) {
      throw new ConfigError(`${path}: key "${key}": secrets are not read from config.json`, {
        hint: secretHint(key),
      });
    }
    if (!isConfigFileKey(key)) {
      throw new ConfigError(`${path}: key "${key}": unknown setting${didYouMean(key, CONFIG_FILE_KEYS)}`, {
        hint: `valid keys: ${CONFIG_FILE_KEYS.join(', ')}`,
      });
    }
    const checked = checkValue(SETTING_SPECS[key].kind, value);
    if (!checked.ok) throw fileKeyError(path, key, checked.problem);
    values[key] = checked.value;
  }
  return values;
}

export function readConfigFile(dir: string): ConfigFile {
  const path = configFilePath(dir);
  const object = readConfigObject(path);
  if (object === undefined) return { path, exists: false, values: {} };
  return { path, exists: true, values: checkConfigObject(path, object) };
}
