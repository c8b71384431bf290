import type { Ora } from 'ora';
import type { GlobalOptions } from './globals.js';

/**
 * A spinner on stderr while a long command runs, for a person at a terminal
 * only: none for a journal, --json, --quiet or no colour. A terminal that
 * reports no width (e.g. `script` without a size) makes ora redraw forever:
 * no spinner there either. ora loads only when a spinner is shown.
 */
export async function startSpinner(g: GlobalOptions, text: string): Promise<Ora | undefined> {
  const shown = process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 && !g.json && !g.quiet && g.color;
  // discardStdin off: ora's default puts the terminal in raw mode, where Ctrl-C is no signal but a byte
  // it must read and re-raise, which it does not while stdin is not flowing (ora's readme and issue #253).
  // In the terminal's own mode Ctrl-C is SIGINT, which cli/stop-signals.ts handles.
  return shown
    ? (await import('ora')).default({ stream: process.stderr, discardStdin: false }).start(text)
    : undefined;
}
