/** Stopping a spawned calsync with a signal: its stderr, its exit within a bound, and waiting for a moment. */
import type { ChildProcess } from 'node:child_process';

/** The line cli/stop-signals.ts writes when a stop outran its backstop (the clean path never ran to its end). */
export const BACKSTOP_LINE = 'did not stop within';

export interface StoppedRun {
  stderr(): string;
  /** The exit code; fails when the child still runs `ms` after the call (it is then killed). */
  exit(ms: number): Promise<{ code: number | null; stderr: string; stdout: string }>;
}

/** Collects the child's stderr and stdout from the start. */
export function watchChild(child: ChildProcess): StoppedRun {
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    stderr: () => stderr,
    async exit(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`still running ${ms} ms after the signal; stderr: ${stderr}`));
        }, ms);
      });
      try {
        return { code: await Promise.race([closed, late]), stderr, stdout };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until `check` holds (at most 15 s). */
export async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
