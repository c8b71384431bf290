/**
 * Non-secret settings from the environment: canonical CALSYNC_* names first,
 * then the seed bot's names, so an older `.env` works unchanged.
 */
import { ConfigError } from '../errors.js';
import type { FoundValue } from './found.js';
import { SETTING_SPECS, type SettingKey } from './spec.js';
import { parseText, quotedInput } from './values.js';

/** An environment value, trimmed; empty counts as unset (as `VAR=` in an env file means). */
export function envText(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/** The seed bot's DEBUG_LOGGING=true; any other value leaves the level alone. */
function debugLoggingSwitch(env: NodeJS.ProcessEnv): FoundValue | undefined {
  const text = envText(env, 'DEBUG_LOGGING')?.toLowerCase();
  if (text === 'true' || text === '1' || text === 'yes')
    return { value: 'debug', source: 'environment', origin: 'DEBUG_LOGGING' };
  return undefined;
}

export function readEnvSetting(key: SettingKey, env: NodeJS.ProcessEnv): FoundValue | undefined {
  const spec = SETTING_SPECS[key];
  for (const name of spec.env) {
    const text = envText(env, name);
    if (text === undefined) continue;
    const checked = parseText(spec.kind, text);
    if (!checked.ok)
      throw new ConfigError(`${name}: ${checked.problem} (got "${quotedInput(spec.kind, text)}")`);
    return { value: checked.value, source: 'environment', origin: name };
  }
  if (key === 'logLevel') return debugLoggingSwitch(env);
  return undefined;
}
