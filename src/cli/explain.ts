/**
 * `calsync explain <event id | text>`: what calsync did with one event and
 * why, with a live read of its copy. Read-only. Exit 0, 1 when nothing
 * matches, 2 usage.
 */
import type { Command } from 'commander';
import { OperationError } from '../errors.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface ExplainFlags {
  calendar?: string;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('what calsync did with one event and why (by event id, or words of its title); reads only')
    .argument('<event>', 'an event id (of a source event, a copy or a mirror), or text its title contains')
    .option('--calendar <id>', 'look only on this calendar')
    .action(async (query: string, flags: ExplainFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const [{ loadSettings }, { runExplain }, { renderExplainReport }] = await Promise.all([
        import('../config/index.js'),
        import('../explain/explain.js'),
        import('../explain/render.js'),
      ]);
      const { settings } = loadSettings();
      applyLogLevel(g, settings.logLevel);
      const report = await runExplain({ settings, query, calendar: flags.calendar });
      if (report.explanations.length === 0) {
        const { searchCalendars } = await import('../explain/locate.js');
        throw new OperationError(`no event matches "${query}"`, {
          hint: `give words of its title as Google Calendar shows them, or its event id; searched: ${searchCalendars(settings, flags.calendar).join(', ')}`,
        });
      }
      if (g.json) printJson(report);
      else process.stdout.write(renderExplainReport(report));
    });
}
