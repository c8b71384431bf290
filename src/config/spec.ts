/**
 * The one table of settings: which environment variables feed each one, which
 * are secrets, which config.json may hold, and their defaults. The loader,
 * the JSON schema, `calsync config` and docs/configuration.md follow it.
 */
import type { Settings } from './types.js';

/** How a value is checked and parsed (see values.ts). */
export type ValueKind =
  | 'string'
  | 'address'
  | 'list'
  | 'url'
  /** A Google endpoint: an http(s) URL without user name or password (values.ts says why). */
  | 'googleUrl'
  | 'webhookUrl'
  | 'positiveInteger'
  | 'nonNegativeInteger'
  | 'positiveNumber'
  | 'logLevel'
  | 'gmailOriginal'
  | 'organizedEvents'
  | 'birthdayTypes'
  | 'privateEvents'
  | 'calendarDetails'
  | 'regexList'
  | 'boolean'
  | 'colorMap'
  | 'accountMap'
  | 'serviceAccountKey'
  | 'domainList';

export interface SettingSpec {
  kind: ValueKind;
  /** Environment variables, canonical first, then the seed bot's names (aliases). */
  env: readonly string[];
  /** A secret: may come from `<NAME>_FILE` or $CREDENTIALS_DIRECTORY, is never stored in config.json nor printed. */
  secret: boolean;
  default: unknown;
}

/** Every setting except configDir, which decides where config.json is and so cannot be in it. */
export type SettingKey = Exclude<keyof Settings, 'configDir'>;

const plain = (kind: ValueKind, env: readonly string[], dflt: unknown): SettingSpec => ({
  kind,
  env,
  secret: false,
  default: dflt,
});
const secret = (kind: ValueKind, env: readonly string[]): SettingSpec => ({
  kind,
  env,
  secret: true,
  default: undefined,
});

export const SETTING_SPECS: Record<SettingKey, SettingSpec> = {
  sourceCalendars: plain('list', ['CALSYNC_SOURCE_CALENDARS', 'SOURCE_CALENDARS'], []),
  inviteEmail: plain('address', ['CALSYNC_INVITE_EMAIL', 'INVITE_EMAIL'], undefined),
  webhookUrl: plain('webhookUrl', ['CALSYNC_WEBHOOK_URL', 'GOOGLE_WEBHOOK_URL'], undefined),
  webhookToken: secret('string', ['CALSYNC_WEBHOOK_TOKEN']),
  pollIntervalMinutes: plain(
    'positiveInteger',
    ['CALSYNC_POLL_INTERVAL_MINUTES', 'POLL_INTERVAL_MINUTES'],
    5,
  ),
  sendgridApiKey: secret('string', ['CALSYNC_SENDGRID_API_KEY', 'SENDGRID_API_KEY']),
  alertFrom: plain('string', ['CALSYNC_ALERT_FROM', 'SENDER_EMAIL'], undefined),
  alertTo: plain('list', ['CALSYNC_ALERT_TO', 'TO_EMAIL'], []),
  uptimeKumaPushUrl: secret('url', ['CALSYNC_UPTIME_KUMA_PUSH_URL', 'UPTIME_KUMA_PUSH_URL']),
  healthchecksUrl: secret('url', ['CALSYNC_HEALTHCHECKS_URL']),
  // DEBUG_LOGGING (the seed's switch) is handled in environment.ts: it is a boolean, not a level.
  logLevel: plain('logLevel', ['CALSYNC_LOG_LEVEL'], 'info'),
  googleApiRoot: plain('googleUrl', ['CALSYNC_GOOGLE_API_ROOT'], 'https://www.googleapis.com/'),
  googleTokenUrl: plain('googleUrl', ['CALSYNC_GOOGLE_TOKEN_URL'], 'https://oauth2.googleapis.com/token'),
  googleAuthUrl: plain(
    'googleUrl',
    ['CALSYNC_GOOGLE_AUTH_URL'],
    'https://accounts.google.com/o/oauth2/v2/auth',
  ),
  googleRevokeUrl: plain('googleUrl', ['CALSYNC_GOOGLE_REVOKE_URL'], 'https://oauth2.googleapis.com/revoke'),
  sendgridApiRoot: plain('url', ['CALSYNC_SENDGRID_API_ROOT'], 'https://api.sendgrid.com'),
  calendarAccounts: plain('accountMap', [], {}),
  sharedCalendarAccount: plain('string', [], undefined),
  birthdayCopyCalendar: plain('string', [], undefined),
  previousInviteEmail: plain('string', [], undefined),
  gmailOriginal: plain('gmailOriginal', [], 'keep'),
  organizedEvents: plain('organizedEvents', [], 'invite'),
  birthdayTypes: plain('birthdayTypes', [], ['birthday', 'anniversary', 'custom', 'other']),
  // What is shared and how much (sync/privacy.ts).
  privateEvents: plain('privateEvents', [], 'busy'),
  calendarDetails: plain('calendarDetails', [], {}),
  busyTitle: plain('string', [], 'Busy ({name})'),
  skipTitles: plain('regexList', [], []),
  skipAvailable: plain('boolean', [], false),
  calendarColors: plain('colorMap', [], {}),
  lookbackDays: plain('nonNegativeInteger', [], 1),
  maxWritesPerPoll: plain('positiveInteger', [], 200),
  // Bounds of one listing: a nextPageToken that never ends fails the calendar instead of holding the lock for ever.
  maxListPages: plain('positiveInteger', [], 1000),
  maxListedEvents: plain('positiveInteger', [], 250_000),
  // Google allows 600 quota units per minute per user: 9.5/s stays 5% under it.
  quotaUnitsPerSecond: plain('positiveNumber', ['CALSYNC_QUOTA_UNITS_PER_SECOND'], 9.5),
  // Deprecated: the old name of quotaUnitsPerSecond (load.ts reads it when that is unset).
  requestsPerSecond: plain('positiveNumber', [], undefined),
  // In flight per account: 8 keeps 9.5 units/s while answers take up to 0.8 s (the pacer bounds the rate).
  writeConcurrency: plain('positiveInteger', [], 8),
  // Workspace domain-wide delegation (docs/workspace.md): the key JSON itself is a secret
  // (CALSYNC_SERVICE_ACCOUNT_KEY, its _FILE form or a credential); config.json names its file.
  serviceAccountKey: secret('serviceAccountKey', ['CALSYNC_SERVICE_ACCOUNT_KEY']),
  serviceAccountKeyFile: plain('string', [], undefined),
  delegatedDomains: plain('domainList', ['CALSYNC_DELEGATED_DOMAINS'], []),
};

export const SETTING_KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

/** The keys config.json may hold: every setting but the secrets. */
export const CONFIG_FILE_KEYS: SettingKey[] = SETTING_KEYS.filter((k) => !SETTING_SPECS[k].secret);

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_SPECS, key);
}

export function isConfigFileKey(key: string): key is SettingKey {
  return isSettingKey(key) && !SETTING_SPECS[key].secret;
}
