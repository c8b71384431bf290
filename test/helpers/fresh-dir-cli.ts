/**
 * The built binary in a fresh, empty config dir (also HOME), with no Google
 * at all: for what a newcomer meets before any setup. A new dir per test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { BIN } from './cli.js';

export interface FreshDirCli {
  /** The current test's config dir. */
  dir: () => string;
  calsync: (
    args: string[],
    env?: Record<string, string>,
  ) => { status: number | null; stdout: string; stderr: string };
}

export function freshDirCli(prefix: string): FreshDirCli {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    calsync: (args, env = {}) => {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: dir, CALSYNC_CONFIG_DIR: dir, NO_COLOR: '1', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
