/** The text a person reads after `calsync purge`. */
import { escapeTerminalText, terminalText } from '../util/terminal-text.js';
import type { PurgeReport } from './run.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function renderPurgeReport(report: PurgeReport): string {
  const lines: string[] = [];
  const total = report.items.length;
  const unchecked = report.calendars.filter((c) => c.error);
  const checked = report.calendars.length - unchecked.length;
  // Only what was listed may be called clean: a calendar that could not be read is named as such.
  const scope =
    unchecked.length === 0
      ? ''
      : ` (${plural(checked, 'calendar', 'calendars')} checked; ${plural(unchecked.length, 'calendar', 'calendars')} could not be read: ${unchecked.map((c) => c.calendarId).join(', ')})`;
  lines.push(
    report.dryRun
      ? `dry run: nothing written. calsync's events on Google (${total} in all${scope ? `; ${scope.slice(2, -1)}` : ''}):`
      : total === 0 && unchecked.length === 0
        ? "purge: nothing of calsync's is left on Google"
        : total === 0
          ? checked === 0
            ? `purge: nothing could be checked: no calendar could be read; calsync's events may still be on Google`
            : `purge: nothing of calsync's found on the calendars that were read${scope}`
          : `purge: ${report.items.filter((i) => i.result !== 'failed').length} of ${total} removed${scope}`,
  );
  for (const c of report.calendars) {
    const counts = [
      plural(c.copies, 'copy', 'copies'),
      plural(c.mirrors, 'mirror', 'mirrors'),
      plural(c.invites, 'invite', 'invites'),
    ].join(', ');
    lines.push(`  ${c.calendarId}: ${c.error ? `failed: ${c.error}` : counts}`);
  }
  const failed = report.items.filter((i) => i.result === 'failed');
  if (failed.length) {
    lines.push(`failed (${failed.length}; run calsync purge again):`);
    for (const i of failed)
      lines.push(
        `  ${i.kind} ${i.calendarId}/${i.eventId} ${terminalText(i.summary ?? '')}: ${i.error ?? ''}`,
      );
  }
  for (const ch of report.channels)
    lines.push(`push channel of ${ch.calendarId}: ${ch.action}${ch.error ? ` (${ch.error})` : ''}`);
  if (report.forgetSkipped) lines.push(`--forget: kept the state: ${report.forgetSkipped}`);
  else if (report.forgotten.length)
    lines.push(`${report.dryRun ? 'would forget' : 'forgot'}: ${report.forgotten.join(', ')}`);
  const state = report.state;
  if (state?.error) lines.push(`state: ${state.error}; run calsync purge again`);
  else if (state && state.entries > 0)
    // What a purge without --forget means (docs/operations.md): undone, and the state says so.
    lines.push(
      `state: ${plural(state.entries, 'entry', 'entries')} of what was removed dropped; ` +
        `the next poll lists ${state.relisted.join(', ')} in full and shares everything again ` +
        `(stop the timers first to keep it unshared; calsync purge --forget drops the whole state)`,
    );
  // Titles and Google's messages are anyone's text: every line is made terminal-safe.
  return lines.map(escapeTerminalText).join('\n') + '\n';
}
