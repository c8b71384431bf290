import { existsSync } from 'node:fs';
import { webhookTokenPath } from './paths.js';
import { urlForSetting } from '../util/url-text.js';
import { SETTING_KEYS, SETTING_SPECS, type SettingKey } from './spec.js';
import type { LoadedSettings, SettingSource } from './types.js';

/**
 * Every setting with its value and source, secrets as "[redacted]" when set,
 * URLs with their userinfo, query and fragment as "[redacted]" (a password or
 * an API key rides there), unset values as null (so the JSON document lists every key).
 */
export interface ShownSetting {
  value: unknown;
  source: SettingSource;
  /** By name: the variable (SOURCE_CALENDARS), the file or credential, config.json's path, or "default". */
  from: string;
}

export function redactedSettings(loaded: LoadedSettings): Record<string, ShownSetting> {
  const out: Record<string, ShownSetting> = {
    configDir: {
      value: loaded.settings.configDir,
      source: loaded.sources.configDir,
      from: loaded.origins.configDir,
    },
  };
  for (const key of SETTING_KEYS) {
    const value: unknown = loaded.settings[key];
    const shown = value === undefined ? null : shownValue(key, value);
    out[key] = { value: shown, source: loaded.sources[key], from: loaded.origins[key] };
  }
  // Effective values that come from elsewhere than a setting: show what is used.
  const { settings } = loaded;
  if (!settings.sharedCalendarAccount && settings.inviteEmail)
    out.sharedCalendarAccount = { value: settings.inviteEmail, source: 'default', from: 'inviteEmail' };
  const tokenFile = webhookTokenPath(settings.configDir);
  if (!settings.webhookToken && existsSync(tokenFile))
    out.webhookToken = { value: '[redacted]', source: 'file', from: tokenFile };
  return out;
}

/** A set value as it may be printed: never a secret, nor the secret parts of a URL. */
export function shownValue(key: SettingKey, value: unknown): unknown {
  const { kind, secret } = SETTING_SPECS[key];
  if (secret) return '[redacted]';
  if ((kind === 'url' || kind === 'webhookUrl' || kind === 'googleUrl') && typeof value === 'string')
    return urlForSetting(value);
  return value;
}

/**
 * Who writes mirrors, in words for `calsync config show`: each source
 * calendar's own account where it may write the shared calendar, else the
 * fallback (checked by every poll that has mirrors to write).
 */
export function mirrorWriterNote(settings: LoadedSettings['settings']): string | undefined {
  if (!settings.inviteEmail) return undefined;
  const fallback = settings.sharedCalendarAccount
    ? `sharedCalendarAccount ${settings.sharedCalendarAccount}`
    : `the shared calendar's own address ${settings.inviteEmail}, if it has a token`;
  return (
    `mirrors on ${settings.inviteEmail} are written by each source calendar's own account when it may ` +
    `write there ("Make changes to events"), else by ${fallback}; with neither, they are skipped ` +
    `and health-check warns`
  );
}
