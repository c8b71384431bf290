import type { LogLevel } from '../util/log.js';

/** Where an effective setting came from, as `calsync config show` reports it. */
export type SettingSource = 'flag' | 'environment' | 'file' | 'credential' | 'config.json' | 'default';

export type GmailOriginalPolicy = 'keep' | 'delete';

/** What happens to events an account organizes: the shared calendar is invited, or they are mirrored onto it. */
export type OrganizedEventsPolicy = 'invite' | 'mirror';

/** What a private (or confidential) event becomes on the shared calendar: a busy block, nothing, or shared in full. */
export type PrivateEventsPolicy = 'busy' | 'skip' | 'full';

/** How much of a source calendar's events is shared: in full, or as busy blocks only. */
export type CalendarDetail = 'full' | 'busy';

/** The effective settings of one run: flags > environment > config.json > defaults. */
export interface Settings {
  configDir: string;
  /** Source calendar ids (CALSYNC_SOURCE_CALENDARS). */
  sourceCalendars: string[];
  /** The shared calendar's address, invited to events and added to copies. */
  inviteEmail: string | undefined;
  webhookUrl: string | undefined;
  webhookToken: string | undefined;
  pollIntervalMinutes: number;
  sendgridApiKey: string | undefined;
  alertFrom: string | undefined;
  alertTo: string[];
  uptimeKumaPushUrl: string | undefined;
  healthchecksUrl: string | undefined;
  logLevel: LogLevel;
  googleApiRoot: string;
  googleTokenUrl: string;
  googleAuthUrl: string;
  /** OAuth token revocation endpoint (`calsync auth --remove`). */
  googleRevokeUrl: string;
  sendgridApiRoot: string;

  // config.json only (no environment variable): the account layout and tuning.
  /** calendar id → account name whose token reads and writes it; default: the calendar id itself. */
  calendarAccounts: Record<string, string>;
  /** The account that writes the shared calendar (mirrors); default: the shared calendar id. */
  sharedCalendarAccount: string | undefined;
  /** Where birthday copies go; default: the birthday's own calendar. */
  birthdayCopyCalendar: string | undefined;
  /**
   * The shared calendar before the last `config set inviteEmail` (written by it):
   * what the polls move away from, even after a lost state file (sync/move.ts).
   */
  previousInviteEmail: string | undefined;
  gmailOriginal: GmailOriginalPolicy;
  /**
   * `invite` (default): the shared calendar is added as a guest of events the
   * account organizes, and birthday and Gmail copies carry it as a guest.
   * `mirror`: those are mirrored, and the copies are made on the shared calendar, with no guest.
   */
  organizedEvents: OrganizedEventsPolicy;
  /** Which `birthdayProperties.type` values are copied; default every type but `self`. */
  birthdayTypes: string[];
  /** Private and confidential events: shared as busy blocks (default), not at all, or in full. */
  privateEvents: PrivateEventsPolicy;
  /** Per source calendar: `busy` shares every event of it as a busy block; absent = `full`. */
  calendarDetails: Record<string, CalendarDetail>;
  /** A busy block's title; `{name}` is the source calendar's name (its summary, else its account). */
  busyTitle: string;
  /** Case-insensitive regular expressions (their source text): matching events are not shared. */
  skipTitles: string[];
  /** Events shown as available (`transparency: transparent`) are not shared. */
  skipAvailable: boolean;
  /** Per source calendar: the Google event colour id ("1"-"11") of its copies, mirrors and busy blocks. */
  calendarColors: Record<string, string>;
  /** A full listing covers events that end after now minus this many days. */
  lookbackDays: number;
  maxWritesPerPoll: number;
  /** Pages one listing may take before the calendar fails (a page token that never ends). */
  maxListPages: number;
  /** Events one listing may hold before the calendar fails. */
  maxListedEvents: number;
  /**
   * Quota units per second per account, kept under Google's per-user quota
   * (600 units a minute; an events.patch costs 3 units, every other request 1).
   */
  quotaUnitsPerSecond: number;
  /** Deprecated alias of quotaUnitsPerSecond (its old name, when it counted requests); read only when that is unset. */
  requestsPerSecond: number | undefined;
  /** Requests in flight per account (the pacer, not this, bounds the rate). */
  writeConcurrency: number;

  // Workspace domain-wide delegation (docs/workspace.md).
  /** The service account key JSON (a secret), from the environment, a _FILE, a credential or serviceAccountKeyFile. */
  serviceAccountKey: string | undefined;
  /** config.json: the path of the key file (mode 0600), read into serviceAccountKey. */
  serviceAccountKeyFile: string | undefined;
  /** Domains whose accounts the service account impersonates (lower case), with no token file each. */
  delegatedDomains: string[];
}

/**
 * The names of settings that are secrets: never printed, never logged, never in
 * config.json. webhookUrl is not one: Google and the proxy see it, and the
 * channel token is what guards the webhook.
 */
export const SECRET_SETTINGS = [
  'webhookToken',
  'sendgridApiKey',
  'uptimeKumaPushUrl',
  'healthchecksUrl',
  'serviceAccountKey',
] as const;

export interface LoadedSettings {
  settings: Settings;
  sources: Record<keyof Settings, SettingSource>;
  /** Where each value came from by name: the variable (SOURCE_CALENDARS), file, credential or "default". */
  origins: Record<keyof Settings, string>;
}
