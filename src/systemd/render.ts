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
}

/** Where calsync-webhook.service listens (its ExecStart); the health check probes it there. */
export const WEBHOOK_HEALTH_URL = 'http://127.0.0.1:5000/health';

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

/** Fills in a template. A placeholder left over is a bug in the template, so it throws. */
export function renderUnit(template: string, vars: UnitVariables): string {
  const values: Record<string, string> = {
    EXEC: vars.exec,
    CONFIG_DIR: unitPath(vars.configDir),
    INTERVAL: String(vars.pollIntervalMinutes),
    POLL_SCHEDULE: pollSchedule(vars.pollIntervalMinutes),
    POLL_TIMEOUT: pollTimeout(vars.pollIntervalMinutes),
    WANTED_BY: vars.mode === 'user' ? 'default.target' : 'multi-user.target',
    SYSTEM_ONLY: systemOnly(vars),
    HEALTH_ARGS: vars.webhook ? ` --url ${WEBHOOK_HEALTH_URL}` : '',
  };
  // Comments mention "@PLACEHOLDERS@" in prose; only known names are replaced.
  const out = template.replace(/@([A-Z_]+)@/g, (whole, name: string) => values[name] ?? whole);
  const left =
    /@(EXEC|CONFIG_DIR|INTERVAL|POLL_SCHEDULE|POLL_TIMEOUT|WANTED_BY|SYSTEM_ONLY|HEALTH_ARGS)@/.exec(out);
  if (left) throw new Error(`unit template placeholder ${left[0]} was not filled`);
  return out;
}
