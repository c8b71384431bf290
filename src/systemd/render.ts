import { UsageError } from '../errors.js';

export type InstallMode = 'user' | 'system';

/** Values substituted for the @PLACEHOLDERS@ of the unit templates. */
export interface UnitVariables {
  /** The command line that runs calsync: node and bin/calsync.js, both absolute. */
  exec: string;
  configDir: string;
  pollIntervalMinutes: number;
  mode: InstallMode;
  /** The account system units run as (ignored for user units). */
  runAs: string;
  /** A webhook URL is set: the health check also probes serve-webhook's /health. */
  webhook: boolean;
  /** The port serve-webhook listens on (default DEFAULT_WEBHOOK_PORT). */
  webhookPort?: number;
  /**
   * Render the instance template (`calsync-poll@.service`) every profile's
   * instance runs: the config dir is `<configDir>/profiles/%i`, calsync runs
   * with `--profile %i`, and what differs between profiles (the interval,
   * the schedule, the webhook port) is left to each instance's drop-in
   * (`instanceDropIn`). `configDir` is then the config root.
   */
  template?: boolean;
}

/** The port calsync-webhook.service listens on unless `systemd install --webhook-port` says otherwise. */
export const DEFAULT_WEBHOOK_PORT = 5000;

/** Where calsync-webhook.service listens (its ExecStart); the health check probes it there. */
export function webhookHealthUrl(port: number = DEFAULT_WEBHOOK_PORT): string {
  return `http://127.0.0.1:${port}/health`;
}

export const WEBHOOK_HEALTH_URL = webhookHealthUrl();

/** What an instance's drop-in sets: the variables the instance templates' ExecStart= reads. */
const PORT_VARIABLE = 'CALSYNC_WEBHOOK_PORT';
const HEALTH_ARGS_VARIABLE = 'CALSYNC_HEALTH_ARGS';
/** The file in `<instance>.d/` that `systemd install --profile` writes. */
export const DROP_IN_FILE = 'calsync-profile.conf';

/**
 * The poll timer's schedule. A calendar expression with Persistent=true
 * catches up after the machine was off or asleep; it exists only for
 * intervals that divide an hour (or a day, in whole hours). Any other
 * interval runs on monotonic timers, measured from the end of each poll.
 */
export function pollSchedule(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1)
    throw new UsageError(`poll interval must be a whole number of minutes, got ${minutes}`);
  if (minutes < 60 && 60 % minutes === 0) return `OnCalendar=*-*-* *:00/${minutes}:00\nPersistent=true`;
  if (minutes % 60 === 0 && 24 % (minutes / 60) === 0)
    return `OnCalendar=*-*-* 00/${minutes / 60}:00:00\nPersistent=true`;
  return `# ${minutes} does not divide an hour or a day: monotonic timers, first run soon after boot.\nOnBootSec=2min\nOnUnitInactiveSec=${minutes}min`;
}

/** A poll must end before the next one is due; a first sync continues at the next poll. */
export function pollTimeout(minutes: number): string {
  return `${Math.max(2, minutes * 2)}min`;
}

/**
 * One ExecStart= word. systemd splits on whitespace and treats `\`, `"`, `'`,
 * `%` and `$` specially: quote what needs it, double the `%` and `$`.
 */
export function quoteExecWord(word: string): string {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', () => '$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A path in a setting such as ReadWritePaths=: `%` must be doubled, and a space would split it in two. */
function unitPath(path: string): string {
  if (/\s/.test(path))
    throw new UsageError(
      `the config dir "${path}" contains whitespace, which systemd unit settings cannot hold`,
      { hint: 'set CALSYNC_CONFIG_DIR to a path without spaces' },
    );
  return path.replaceAll('%', '%%');
}

function systemOnly(vars: UnitVariables): string {
  if (vars.mode === 'user') {
    return '# (system units also get User=, PrivateUsers=, RemoveIPC= and an empty CapabilityBoundingSet=)';
  }
  return [
    `User=${vars.runAs}`,
    '# No capabilities at all: calsync needs none.',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'PrivateUsers=yes',
    'RemoveIPC=yes',
  ].join('\n');
}

function intervalEnv(minutes: number): string {
  return `Environment=CALSYNC_POLL_INTERVAL_MINUTES=${minutes}`;
}

function templateNote(what: string): string {
  return `# ${what}: each profile's own, in <unit>@<profile>.*.d/${DROP_IN_FILE} (calsync systemd install --profile)`;
}

const PLACEHOLDERS =
  /@(EXEC|CONFIG_DIR|CONFIG_ROOT|INTERVAL_ENV|EVERY|POLL_SCHEDULE|POLL_TIMEOUT|WANTED_BY|SYSTEM_ONLY|HEALTH_ARGS|WEBHOOK_PORT)@/;

/** Fills in a template. A placeholder left over is a bug in the template, so it throws. */
export function renderUnit(template: string, vars: UnitVariables): string {
  const port = vars.webhookPort ?? DEFAULT_WEBHOOK_PORT;
  const common: Record<string, string> = {
    WANTED_BY: vars.mode === 'user' ? 'default.target' : 'multi-user.target',
    SYSTEM_ONLY: systemOnly(vars),
  };
  const values: Record<string, string> = vars.template
    ? {
        ...common,
        // The flag, not only CALSYNC_PROFILE: it beats a CALSYNC_PROFILE line of calsync.env.
        EXEC: `${vars.exec} --profile %i`,
        CONFIG_ROOT: unitPath(vars.configDir),
        // %i is a specifier here, not a character of the path: it is added after the path's % are doubled.
        CONFIG_DIR: `${unitPath(vars.configDir)}/profiles/%i`,
        INTERVAL_ENV: templateNote('CALSYNC_POLL_INTERVAL_MINUTES'),
        EVERY: "on the profile's schedule",
        POLL_SCHEDULE: templateNote('The schedule'),
        POLL_TIMEOUT: templateNote('TimeoutStartSec='),
        // Unbraced, so an unset variable is no word at all (a profile without a webhook URL).
        HEALTH_ARGS: ` $${HEALTH_ARGS_VARIABLE}`,
        WEBHOOK_PORT: `\${${PORT_VARIABLE}}`,
      }
    : {
        ...common,
        EXEC: vars.exec,
        CONFIG_ROOT: unitPath(vars.configDir),
        CONFIG_DIR: unitPath(vars.configDir),
        INTERVAL_ENV: intervalEnv(vars.pollIntervalMinutes),
        EVERY: `every ${vars.pollIntervalMinutes} minutes`,
        POLL_SCHEDULE: pollSchedule(vars.pollIntervalMinutes),
        POLL_TIMEOUT: `TimeoutStartSec=${pollTimeout(vars.pollIntervalMinutes)}`,
        HEALTH_ARGS: vars.webhook ? ` --url ${webhookHealthUrl(port)}` : '',
        WEBHOOK_PORT: String(port),
      };
  // Comments mention "@PLACEHOLDERS@" in prose; only known names are replaced.
  let out = template.replace(/@([A-Z_]+)@/g, (whole, name: string) => values[name] ?? whole);
  if (vars.template) out = out.replace(/^Description=calsync: /m, 'Description=calsync profile %i: ');
  const left = PLACEHOLDERS.exec(out);
  if (left) throw new Error(`unit template placeholder ${left[0]} was not filled`);
  return out;
}

/**
 * What one profile's instance of a template needs beyond the template: its
 * interval, schedule and webhook port (each profile has its own config.json),
 * or undefined for a unit with none (the clean, watch and health timers).
 * An empty `OnCalendar=` resets every trigger, so the schedule is this one.
 */
export function instanceDropIn(
  unit: string,
  profile: string,
  vars: { pollIntervalMinutes: number; webhook: boolean; webhookPort?: number },
): string | undefined {
  const port = vars.webhookPort ?? DEFAULT_WEBHOOK_PORT;
  const head = [`${DROP_IN_MARK} --profile ${profile}\`: this profile's interval and port.`];
  if (unit === 'calsync-poll.timer')
    return [
      ...head,
      '[Unit]',
      `Description=calsync profile %i: poll every ${vars.pollIntervalMinutes} minutes`,
      '',
      '[Timer]',
      'OnCalendar=',
      pollSchedule(vars.pollIntervalMinutes),
      '',
    ].join('\n');
  if (!unit.endsWith('.service')) return undefined;
  const lines = [...head, '[Service]', intervalEnv(vars.pollIntervalMinutes)];
  if (unit === 'calsync-poll.service') lines.push(`TimeoutStartSec=${pollTimeout(vars.pollIntervalMinutes)}`);
  if (unit === 'calsync-health.service' && vars.webhook)
    lines.push(`Environment="${HEALTH_ARGS_VARIABLE}=--url ${webhookHealthUrl(port)}"`);
  if (unit === 'calsync-webhook.service') {
    // Without a webhook URL its server is not enabled: no port is taken for it.
    if (!vars.webhook) return undefined;
    lines.push(`Environment=${PORT_VARIABLE}=${port}`);
  }
  return [...lines, ''].join('\n');
}

/** The first words of every drop-in install writes (uninstall removes only those). */
export const DROP_IN_MARK = '# Rendered by `calsync systemd install';
