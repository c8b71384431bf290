/**
 * `calsync status [--json]`: is it working, and if not, what to do. Reads
 * only (the state, the poll-failure trace, the token files, the timers), like
 * `health-check --offline`, and shares its checks (health/overview.ts). Exit 0
 * all well, 1 something to look at, 2 usage or configuration.
 */
import type { Command } from 'commander';
import type { CalendarOverview, StatusOverview, TokenState } from '../health/overview.js';
import { terminalText } from '../util/terminal-text.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'one screen: per calendar the last poll and its result, what waits, what is shared, the push channel and the token; the timers; each problem with the command that fixes it (reads only; exit 0 all well, 1 something to look at)',
    )
    .action(async (_flags: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      const [{ loadSettings }, { readStatus }] = await Promise.all([
        import('../config/index.js'),
        import('./status-read.js'),
      ]);
      const { settings } = loadSettings({ env: process.env });
      applyLogLevel(g, settings.logLevel);
      const overview = await readStatus(settings);
      if (g.json) printJson(overview);
      else process.stdout.write(renderStatus(overview));
      process.exitCode = overview.exitCode;
    });
}

/** "45 s", "12 min", "5 h", "3 d": how long ago, for a person. */
export function ago(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

const safe = (text: string) => terminalText(text, 400);

function token(t: TokenState | null): string {
  if (!t) return 'none needed';
  switch (t.state) {
    case 'needs sign-in':
      return `needs a new sign-in since ${t.since} (${safe(t.reason)})`;
    case 'missing':
      return 'no token file';
    default:
      return t.state;
  }
}

function lastPoll(c: CalendarOverview): string {
  const p = c.lastPoll;
  if (p.result === 'never') return 'never';
  const when = p.ageSeconds === null ? '' : `${ago(p.ageSeconds)} ago, `;
  if (p.result === 'ok') return `${when}ok`;
  return `${when}FAILED: ${safe(p.error ?? '')} (failing since ${p.failingSince ?? '?'})`;
}

function counts(record: Record<string, number>, order: readonly string[]): string {
  const keys = [
    ...order.filter((k) => k in record),
    ...Object.keys(record).filter((k) => !order.includes(k)),
  ];
  return keys.map((k) => `${record[k] ?? 0} ${k}`).join(', ');
}

/** The report's counts a person reads, in this order; any other (a later version's) follows. */
const POLL_COUNTS = ['changes', 'done', 'skipped', 'failed', 'deferred'];

function calendarLines(c: CalendarOverview): string[] {
  const lines = [`${safe(c.calendarId)}  (account ${safe(c.account)}: ${token(c.token)})`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(13)}${text}`);
  row('last poll', lastPoll(c));
  row('last success', c.lastSuccess ? `${ago(c.lastSuccess.ageSeconds)} ago (${c.lastSuccess.at})` : 'never');
  if (c.lastPollCounts) row('that poll', counts(c.lastPollCounts, POLL_COUNTS));
  const w = c.waiting;
  row('waiting', `${w.deferred} deferred, ${w.failed} failed, ${w.parked} parked`);
  row('shared', Object.keys(c.shared).length ? counts(c.shared, []) : 'nothing yet');
  if (c.undeliveredInvitations > 0)
    row('invitations', `${c.undeliveredInvitations} never reached the shared calendar`);
  if (c.mirrorsSkipped)
    row(
      'mirrors',
      `${c.mirrorsSkipped.count} skipped since ${c.mirrorsSkipped.since}: ${safe(c.mirrorsSkipped.reason)}`,
    );
  row(
    'push channel',
    c.channel ? `until ${c.channel.expiresAt} (${c.channel.hoursLeft} h left)` : 'none (polling only)',
  );
  return lines;
}

export function renderStatus(o: StatusOverview): string {
  const n = o.problems.length;
  const head =
    o.exitCode === 0
      ? 'calsync: all well'
      : `calsync: ${n} ${n === 1 ? 'thing' : 'things'} to look at (${o.status})`;
  const lines = [head, ''];
  for (const c of o.calendars) lines.push(...calendarLines(c), '');
  lines.push(
    `shared calendar  ${o.shared.calendarId ? safe(o.shared.calendarId) : 'NOT SET'}${o.shared.account ? `  (written as ${safe(o.shared.account)}: ${token(o.shared.token)})` : ''}`,
  );
  if (o.timers) {
    lines.push(o.timers.length ? 'timers' : 'timers           none installed for this user');
    for (const t of o.timers) lines.push(`  ${safe(t.line)}`);
  }
  if (n > 0) {
    lines.push('', 'to do:');
    for (const p of o.problems) {
      lines.push(`  ${p.status}: ${safe(p.message)}`);
      if (p.fix) lines.push(`    fix: ${safe(p.fix)}`);
    }
  }
  return lines.join('\n') + '\n';
}
