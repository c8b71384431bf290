/**
 * Runs the built binary inside its own user and mount namespace (`unshare`),
 * where a test may mount what an unprivileged user cannot: a tiny tmpfs that
 * fills up (a real ENOSPC), or a read-only bind (a real EROFS, which even root
 * cannot write through). Nothing outside the namespace sees the mounts.
 */
import { spawn } from 'node:child_process';
import { BIN, type RunResult } from './cli.js';

/**
 * `setup` is a shell script run first (as root of the namespace); `$BIN` is the
 * built binary. calsync then runs with `args` and `env`.
 */
export function runInMountNamespace(
  setup: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const script = `set -e\n${setup}\nexec "${process.execPath}" "${BIN}" "$@"`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'calsync', ...args],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
