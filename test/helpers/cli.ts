/**
 * Runs the built calsync binary the way a user or systemd would: a real child
 * process with its own config dir and environment, pointed at the emulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Emulator } from '../../src/emulator/index.js';

export const BIN = resolve(import.meta.dirname, '../../bin/calsync.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<RunResult>;
  spawn(args: string[], extraEnv?: NodeJS.ProcessEnv): ChildProcess;
  writeToken(account: string, json: unknown): void;
  cleanup(): void;
}

/** A temp config dir and the environment that points calsync at the emulator. */
export function cliEnv(emu: Emulator | undefined, settings: Record<string, string> = {}): CliEnv {
  const dir = mkdtempSync(join(tmpdir(), 'calsync-test-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    CALSYNC_CONFIG_DIR: dir,
    CALSYNC_RETRY_SCALE: '0.01',
    NO_COLOR: '1',
    ...(emu
      ? {
          CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
          CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
          CALSYNC_GOOGLE_AUTH_URL: `${emu.url}/o/oauth2/v2/auth`,
          CALSYNC_GOOGLE_REVOKE_URL: `${emu.url}/revoke`,
        }
      : {}),
    ...settings,
  };
  const spawnCli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    spawn(process.execPath, [BIN, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    dir,
    env,
    spawn: spawnCli,
    run: (args, extraEnv) =>
      new Promise((resolvePromise, reject) => {
        const child = spawnCli(args, extraEnv);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
      }),
    writeToken(account, json) {
      mkdirSync(join(dir, 'tokens'), { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'tokens', `${account}.json`), JSON.stringify(json), { mode: 0o600 });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
