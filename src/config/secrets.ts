/**
 * Secrets: from the variable itself, from `<NAME>_FILE=/path`, or from a
 * systemd credential `$CREDENTIALS_DIRECTORY/<NAME>` (LoadCredential=). The
 * canonical name is tried in all three ways before the seed name. Every value
 * is registered with the logger the moment it is read, so no log line, error
 * or `config show` output can carry it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../errors.js';
import { registerSecret } from '../util/log.js';
import type { FoundValue } from './found.js';
import { envText } from './environment.js';
import { SETTING_SPECS, type SettingKey } from './spec.js';
import type { SettingSource } from './types.js';
import { parseText } from './values.js';

/** Path segments this long are keys or ids (push tokens, check UUIDs, ping keys), not words. */
const KEY_LIKE_LENGTH = 16;

/**
 * Registers a secret, and for URLs the path and its key-like segments too:
 * push tokens and check ids live there (`/api/push/<token>`, `/<uuid>`,
 * `/<ping-key>/<slug>`), while short words like a slug stay readable.
 */
function registerSecretValue(value: string): void {
  registerSecret(value);
  if (!URL.canParse(value)) return;
  const url = new URL(value);
  if (url.pathname.length > 1) registerSecret(url.pathname);
  for (const segment of url.pathname.split('/'))
    if (segment.length >= KEY_LIKE_LENGTH) registerSecret(segment);
  if (url.search) registerSecret(url.search.slice(1));
}

export function readSecretFile(file: string, origin: string, checkMode: boolean): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new ConfigError(`${origin}: cannot read ${file}: ${errorMessage(err)}`);
  }
  // As ssh does with private keys: a secret others can read is already leaked.
  if (checkMode && (mode & 0o077) !== 0) {
    throw new ConfigError(`${file} is readable by group or others`, { hint: `run: chmod 600 ${file}` });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/[\r\n]+$/, '');
  } catch (err) {
    throw new ConfigError(`${origin}: cannot read ${file}: ${errorMessage(err)}`);
  }
  registerSecretValue(text);
  if (!text.trim()) throw new ConfigError(`${file} is empty (${origin})`);
  return text;
}

function findSecretText(
  name: string,
  env: NodeJS.ProcessEnv,
): { text: string; source: SettingSource; origin: string } | undefined {
  const direct = envText(env, name);
  if (direct !== undefined) {
    registerSecretValue(direct);
    return { text: direct, source: 'environment', origin: name };
  }
  const file = envText(env, `${name}_FILE`);
  if (file !== undefined)
    return { text: readSecretFile(file, `${name}_FILE`, true), source: 'file', origin: file };
  const credentials = envText(env, 'CREDENTIALS_DIRECTORY');
  const credential = credentials === undefined ? undefined : join(credentials, name);
  if (credential !== undefined && existsSync(credential)) {
    // No mode check here: systemd keeps the credentials directory private to the
    // service, and the ACL it uses can show up as group bits in the file mode.
    return {
      text: readSecretFile(credential, `credential ${name}`, false),
      source: 'credential',
      origin: credential,
    };
  }
  return undefined;
}

export function readSecretSetting(key: SettingKey, env: NodeJS.ProcessEnv): FoundValue | undefined {
  const spec = SETTING_SPECS[key];
  for (const name of spec.env) {
    const found = findSecretText(name, env);
    if (found === undefined) continue;
    const checked = parseText(spec.kind, found.text);
    // Never repeat the value: it is a secret even when it is malformed.
    if (!checked.ok) throw new ConfigError(`${found.origin}: ${checked.problem}`);
    return { value: checked.value, source: found.source, origin: found.origin };
  }
  return undefined;
}
