import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv } from './helpers/cli.js';

const cli = cliEnv(undefined, {
  CALSYNC_SOURCE_CALENDARS: 'alice@example.test',
  CALSYNC_INVITE_EMAIL: 'family@group.calendar.test',
});
afterAll(() => cli.cleanup());

/** Runs calsync with a stdout whose reader is gone before calsync writes a byte. */
function withClosedStdout(
  args: string[],
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cli.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a closed stdout ends the command quietly (built binary)', () => {
  it.each([
    [['config', 'show']],
    [['config', 'show', '--json']],
    [['sandbox', '--help']],
    [['--help']],
    [['systemd', 'install', '--dry-run']],
  ])('%j: exit 141 (as SIGPIPE), no EPIPE error', async (args) => {
    const res = await withClosedStdout(args);
    expect(res.stderr).not.toMatch(/EPIPE|Error/);
    expect(res.code, res.stderr).toBe(141);
  });

  it('`calsync config show | head -1` prints one line and no error', async () => {
    const res = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const sh = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" config show | head -1`], {
        env: cli.env,
      });
      let stdout = '';
      let stderr = '';
      sh.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      sh.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      sh.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
  });
});
