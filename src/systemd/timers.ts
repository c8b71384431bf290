/**
 * calsync's systemd timers as `systemctl` lists them, for `calsync status`.
 * Quietly none where there is no systemctl, no user manager (a container, an
 * ssh session without lingering) or it does not answer within a few seconds:
 * status then says nothing of timers rather than something wrong.
 */
import { execFile } from 'node:child_process';

export interface TimerLine {
  unit: string;
  /** systemctl's line for it (next, left, last, passed, unit, activates), spaces squeezed. */
  line: string;
}

const TIMEOUT_MS = 3_000;

/** The user's calsync timers; undefined when they cannot be listed. */
export function listCalsyncTimers(mode: 'user' | 'system' = 'user'): Promise<TimerLine[] | undefined> {
  const args = [
    ...(mode === 'user' ? ['--user'] : []),
    'list-timers',
    '--all',
    '--no-pager',
    '--no-legend',
    'calsync*',
  ];
  return new Promise((resolve) => {
    execFile('systemctl', args, { timeout: TIMEOUT_MS, env: process.env }, (err, stdout) => {
      if (err) return resolve(undefined);
      resolve(parseTimerLines(stdout));
    });
  });
}

/** The lines that name a calsync timer unit. */
export function parseTimerLines(text: string): TimerLine[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .flatMap((line) => {
      const unit = /\b(calsync[\w@.-]*\.timer)\b/.exec(line)?.[1];
      return unit ? [{ unit, line }] : [];
    });
}
