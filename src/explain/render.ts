/** The text a person reads after `calsync explain`. */
import { escapeTerminalText, terminalText } from '../util/terminal-text.js';
import type { Explanation, ExplainReport } from './explain.js';

function entryLine(e: Explanation): string {
  const entry = e.entry;
  if (!entry) return 'calsync has done nothing with it yet (no state entry)';
  const copy = entry.copyId
    ? `, ${entry.rule === 'busy' ? 'busy block' : entry.rule === 'mirror' || entry.rule === 'occurrence' ? 'mirror' : 'copy'} ${entry.copyCalendar ?? ''}/${entry.copyId}`
    : '';
  const unconfirmed = entry.copyUnconfirmed
    ? ' (its creation was interrupted: made again at the next poll)'
    : '';
  return `${entry.action}${entry.rule ? ` (rule ${entry.rule})` : ''} at ${entry.recordedAt}${copy}${unconfirmed}`;
}

function one(e: Explanation): string[] {
  const lines = [
    `${e.summary !== undefined ? terminalText(e.summary) : '(no title)'}${e.start ? `  ${e.start}` : ''}`,
  ];
  if (e.via)
    lines.push(
      `  asked about:  the ${e.via.rule === 'mirror' ? 'mirror' : e.via.rule === 'busy' ? 'busy block' : `${e.via.rule} copy`} ${e.via.calendarId}/${e.via.eventId}, made from this event`,
    );
  lines.push(
    `  calendar:     ${e.calendarId}`,
    `  event id:     ${e.eventId}${e.sourceMissing ? ' (gone from Google)' : ''}`,
  );
  if (e.decision) lines.push(`  rule now:     ${e.decision.why}`);
  lines.push(`  calsync did:  ${entryLine(e)}`);
  if (e.copy) {
    const where = `${e.copy.calendarId}/${e.copy.eventId}`;
    const state =
      e.copy.presence === 'exists'
        ? 'exists on Google now'
        : e.copy.presence === 'cancelled'
          ? 'is deleted on Google'
          : 'is not on Google';
    lines.push(`  ${`${e.copy.kind}:`.padEnd(14)}${where} ${state}`);
  }
  if (e.waiting)
    lines.push(
      `  waiting:      retried at the next poll (${e.waiting.reason}; ${e.waiting.attempts} attempt${e.waiting.attempts === 1 ? '' : 's'} since ${e.waiting.since})`,
    );
  if (e.invitation) {
    const who = e.invitation.byCalsync
      ? 'calsync invited the shared calendar'
      : 'the shared calendar was a guest before calsync (it stays)';
    const reached =
      e.invitation.reached === undefined
        ? 'unknown'
        : e.invitation.reached
          ? 'it is on the shared calendar'
          : 'it has NOT reached the shared calendar (its "Add invitations to my calendar" setting)';
    lines.push(`  invitation:   ${who}; ${reached}`);
    const recorded = e.invitation.recorded;
    if (recorded)
      lines.push(
        `  delivery:     ${recorded === 'dismissed' ? 'a person deleted it on the shared calendar; calsync respects that' : recorded === 'missing' ? 'the last poll did not find it on the shared calendar' : 'sent; the next poll looks for it on the shared calendar'}`,
      );
  }
  return lines;
}

export function renderExplainReport(report: ExplainReport): string {
  // Titles, ids and Google's messages are anyone's text: every line is made terminal-safe.
  const blocks = report.explanations.map((e) => one(e).map(escapeTerminalText).join('\n'));
  if (report.more)
    blocks.push(`(more events match "${terminalText(report.query)}": give an event id or --calendar)`);
  if (report.stateNote) blocks.push(`note: ${escapeTerminalText(report.stateNote)}`);
  return blocks.join('\n\n') + '\n';
}
