/** The config module's surface: other modules import from here only. */
export {
  configDir,
  configFilePath,
  listProfiles,
  profileDir,
  profileNameProblem,
  resolveConfigDir,
  resolveConfigRoot,
  stateFilePath,
  tokensDirPath,
  DEFAULT_PROFILE,
  type ResolvedConfigDir,
} from './paths.js';
export { loadSettings, sharedCalendarError } from './load.js';
export { mirrorWriterNote, redactedSettings, shownValue } from './redact.js';
export { accountCredentials, isDelegatedAccount, type Credential } from './delegation.js';
export { parseDuration } from './duration.js';
export { setConfigValue, unsetConfigValue, type ConfigChange } from './configWrite.js';
export { CONFIG_FILE_KEYS, SETTING_KEYS, SETTING_SPECS, isSettingKey, type SettingKey } from './spec.js';
export type { LoadedSettings, Settings, SettingSource, GmailOriginalPolicy } from './types.js';
export { SECRET_SETTINGS } from './types.js';
