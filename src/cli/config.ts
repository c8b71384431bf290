/**
 * `calsync config show|get|path|set|unset`: the effective settings (secrets
 * redacted) and changes to config.json. The logic lives in src/config/.
 */
import type { Command } from 'commander';
import {
  accountCredentials,
  CONFIG_FILE_KEYS,
  configFilePath,
  isSettingKey,
  loadSettings,
  mirrorWriterNote,
  redactedSettings,
  resolveConfigDir,
  setConfigValue,
  shownValue,
  stateFilePath,
  tokensDirPath,
  unsetConfigValue,
} from '../config/index.js';
import { normalizeEmail } from '../util/email.js';
import { UsageError } from '../errors.js';
import { didYouMean } from '../util/did-you-mean.js';
import { log } from '../util/log.js';
import type { LogLevel } from '../util/log.js';
import { terminalText } from '../util/terminal-text.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';
import { table } from './table.js';

/** A value as one safe cell: whatever config.json or the environment holds, no control character reaches the terminal. */
function formatValue(value: unknown): string {
  return terminalText(rawValue(value), Infinity);
}

function rawValue(value: unknown): string {
  if (value === null || value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : '(none)';
  if (typeof value === 'object') return Object.keys(value).length ? JSON.stringify(value) : '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The configured level when the settings load; the default otherwise (the command then reports why). */
function configuredLogLevel(): LogLevel {
  try {
    return loadSettings().settings.logLevel;
  } catch {
    return 'info';
  }
}

/** Where a value came from, by name: "SOURCE_CALENDARS (environment)", "config.json", "default". */
function describeFrom(source: string, from: string): string {
  if (source === 'environment' || source === 'file' || source === 'credential') return `${from} (${source})`;
  if (source === 'flag' && from.startsWith('--')) return `${from} (flag)`;
  return source;
}

function show(cmd: Command): void {
  const g = globalOptions(cmd);
  const loaded = loadSettings();
  applyLogLevel(g, loaded.settings.logLevel);
  // Which profile (and so which config dir) every other row belongs to.
  const shown = { profile: profileRow(), ...redactedSettings(loaded) };
  // Which credential each account uses: a token file, or the Workspace service account (delegatedDomains).
  const accounts = accountCredentials(loaded.settings);
  if (g.json) return printJson({ ...shown, accounts: { value: accounts, source: 'default' } });
  process.stdout.write(
    table(
      Object.entries(shown).map(([key, { value, source, from }]) => [
        key,
        formatValue(value),
        describeFrom(source, from),
      ]),
    ),
  );
  const rows = Object.entries(accounts);
  if (rows.length > 0)
    process.stdout.write('\n' + table([['ACCOUNT', 'CREDENTIAL'], ...rows.map(([a, c]) => [a, c])]));
  const note = mirrorWriterNote(loaded.settings);
  if (note) process.stdout.write(`\n${note}\n`);
}

/** The profile in effect as a row of `config show`: its name and what chose it, or none (the config root). */
function profileRow(): { value: string | null; source: string; from: string } {
  const { profile, root } = resolveConfigDir();
  if (!profile) return { value: null, source: 'default', from: `none: the config root ${root}` };
  return {
    value: profile.name,
    source: profile.origin === '--profile' ? 'flag' : 'environment',
    from: profile.origin,
  };
}

/** A value as `config set` takes it back: lists comma-separated, maps cal=account, unset empty. */
function settableText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function get(key: string, cmd: Command): void {
  const g = globalOptions(cmd);
  const loaded = loadSettings();
  applyLogLevel(g, loaded.settings.logLevel);
  const shown = redactedSettings(loaded);
  const entry = shown[key];
  if (entry === undefined) {
    const keys = Object.keys(shown);
    throw new UsageError(`config get: unknown key "${key}"${didYouMean(key, keys)}`, {
      hint: `valid keys: ${keys.join(', ')}`,
    });
  }
  if (g.json) return printJson({ key, ...entry });
  process.stdout.write(`${settableText(entry.value)}\n`);
}

function paths(cmd: Command): void {
  const g = globalOptions(cmd);
  applyLogLevel(g, 'info');
  const resolved = resolveConfigDir();
  const dir = resolved.dir;
  const files = {
    profile: resolved.profile?.name ?? null,
    configRoot: resolved.root,
    configDir: dir,
    configFile: configFilePath(dir),
    stateFile: stateFilePath(dir),
    tokensDir: tokensDirPath(dir),
  };
  if (g.json) return printJson(files);
  process.stdout.write(
    table([
      ['profile', files.profile ?? `(none: the config root)`],
      ['config dir', files.configDir],
      ['config.json', files.configFile],
      ['state.json', files.stateFile],
      ['tokens/', files.tokensDir],
    ]),
  );
}

/** A value set in config.json does nothing while the environment sets the same setting. */
function warnIfOverridden(key: string): void {
  if (!isSettingKey(key)) return;
  let source: string;
  try {
    source = loadSettings().sources[key];
  } catch {
    // Half-way through a pair of settings (serviceAccountKeyFile, then delegatedDomains): the next command says what is missing.
    return;
  }
  if (source !== 'config.json' && source !== 'default') {
    log.warn(
      `${key} is also set by ${source === 'flag' ? 'the command line' : `the environment (${loadSettings().origins[key]})`}, which takes precedence over config.json`,
    );
  }
}

/** Settings of what is shared: events already shared are reconsidered only when they change, or on a full resync. */
const SHARING_KEYS = new Set([
  'privateEvents',
  'calendarDetails',
  'busyTitle',
  'skipTitles',
  'skipAvailable',
  'calendarColors',
]);

const SHARING_NOTE =
  'takes effect at the next poll for events that change; for every event already shared, run: calsync poll --full-resync';

/** The shared calendar in effect before a change of inviteEmail (undefined when the settings do not load). */
function currentInviteEmail(): string | undefined {
  try {
    return loadSettings().settings.inviteEmail;
  } catch {
    return undefined;
  }
}

async function set(key: string, value: string, cmd: Command): Promise<void> {
  const g = globalOptions(cmd);
  applyLogLevel(g, configuredLogLevel());
  const before = key === 'inviteEmail' ? currentInviteEmail() : undefined;
  const change = await setConfigValue(key, value);
  warnIfOverridden(change.key);
  // A new shared calendar: remembered beside it, so the polls move away from the old one even after a lost state file.
  const moving =
    before !== undefined && normalizeEmail(before) !== normalizeEmail(value) ? before.trim() : undefined;
  if (moving) await setConfigValue('previousInviteEmail', moving);
  const note = afterSetNote(change.key);
  // Echoed as config show prints it: a URL's password or key is in the file, not on the screen.
  const shown = isSettingKey(change.key) ? shownValue(change.key, change.value) : change.value;
  if (g.json)
    return printJson({
      ...change,
      value: shown,
      ...(note ? { note } : {}),
      ...(moving ? { movingFrom: moving } : {}),
    });
  process.stdout.write(`${change.key} = ${formatValue(shown)} (${change.file})\n`);
  if (note) process.stdout.write(`note: ${note}\n`);
  if (moving)
    process.stdout.write(
      `the next poll moves what calsync shares from ${moving} to ${value.trim()}: it makes the copies, ` +
        `mirrors and invitations for ${value.trim()}, and takes away those it made for ${moving} ` +
        `(a guest a person added stays), paced over a poll or two; polls exit 0 meanwhile.\n` +
        `see the plan first: calsync poll --dry-run\n`,
    );
}

/** What a new value does not change by itself. */
function afterSetNote(key: string): string | undefined {
  // The timers' OnUnitActiveSec is written into the unit files by systemd install.
  if (key === 'pollIntervalMinutes')
    return 'systemd timers already installed keep their interval until you run: calsync systemd install (then the systemctl commands it prints); a running serve-webhook reads it when it starts';
  if (SHARING_KEYS.has(key)) return SHARING_NOTE;
  return undefined;
}

async function unset(key: string, cmd: Command): Promise<void> {
  const g = globalOptions(cmd);
  applyLogLevel(g, configuredLogLevel());
  const change = await unsetConfigValue(key);
  if (g.json) return printJson(change);
  process.stdout.write(
    change.changed ? `${key} removed from ${change.file}\n` : `${key} was not set in ${change.file}\n`,
  );
}

export function registerConfigCommand(program: Command): void {
  const config = program
    .command('config')
    .description('show the effective settings and change config.json')
    .addHelpText('after', `\nKeys of config.json: ${CONFIG_FILE_KEYS.join(', ')}`);

  config
    .command('show')
    .description(
      "every setting with its value and where it came from (secrets, and a URL's user name, password, query and fragment, redacted)",
    )
    .action((_opts: unknown, cmd: Command) => show(cmd));

  config
    .command('get')
    .description(
      "print one setting's effective value (as config set takes it; secrets, and a URL's user name, password, query and fragment, redacted)",
    )
    .argument('<key>', 'a setting, e.g. sourceCalendars')
    .action((key: string, _opts: unknown, cmd: Command) => get(key, cmd));

  config
    .command('path')
    .description('the config dir and the files in it')
    .action((_opts: unknown, cmd: Command) => paths(cmd));

  config
    .command('set')
    .description('set a key in config.json (lists: comma-separated; calendarAccounts: cal=account,…)')
    .argument('<key>', 'a config.json key, e.g. pollIntervalMinutes')
    .argument('<value>', 'the value')
    .action((key: string, value: string, _opts: unknown, cmd: Command) => set(key, value, cmd));

  config
    .command('unset')
    .description('remove a key from config.json (its default or environment value applies again)')
    .argument('<key>', 'a config.json key')
    .action((key: string, _opts: unknown, cmd: Command) => unset(key, cmd));
}
