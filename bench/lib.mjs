/* global process */
// Shared pieces of the benchmarks: a temp world on the emulator, and running
// the built binary with its wall time and peak RSS measured by the kernel.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const BIN = resolve(import.meta.dirname, '../bin/calsync.js');

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Runs a command; returns wall ms and, via /usr/bin/time when present, peak RSS in MB. */
export function timed(cmd, args, env = process.env) {
  const useTime = existsSync('/usr/bin/time');
  const argv = useTime ? ['-f', '__RSS_KB__=%M', cmd, ...args] : args;
  const file = useTime ? '/usr/bin/time' : cmd;
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const m = /__RSS_KB__=(\d+)/.exec(stderr);
      resolvePromise({
        code,
        ms,
        rssMb: m ? Number(m[1]) / 1024 : undefined,
        stdout,
        stderr: stderr.replace(/__RSS_KB__=\d+\n?/, ''),
      });
    });
  });
}

/** A config dir with token files for the accounts, and the environment pointing calsync at the emulator. */
export function worldEnv(emu, accounts, settings = {}, config = undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'calsync-bench-'));
  mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
  for (const a of accounts)
    writeFileSync(join(dir, 'tokens', `${a}.json`), JSON.stringify(emu.authorizedUser(a)), { mode: 0o600 });
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  // What a systemd unit gives (see systemdEnv), plus calsync's own settings.
  const env = systemdEnv({
    HOME: dir,
    NO_COLOR: '1',
    CALSYNC_CONFIG_DIR: dir,
    CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
    CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
    ...settings,
  });
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The environment a systemd unit gives a service: systemd's default PATH, HOME
 * and LANG, nothing else (no NODE_* variables, no NODE_EXTRA_CA_CERTS, which
 * costs every node process tens of ms). Start-up and idle-poll ratios run both
 * of their commands in it, so the baseline is the real minimum.
 */
export function systemdEnv(extra = {}) {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: process.env.LANG ?? 'C.UTF-8',
    ...extra,
  };
}

/** The names (never the values) of the variables of this process that systemdEnv() leaves out. */
export function removedVariables(kept = systemdEnv()) {
  return Object.keys(process.env)
    .filter((name) => !(name in kept))
    .sort();
}

/** One line naming what the clean environment drops, NODE_* first (those change node's start-up). */
export function describeCleanEnv() {
  const removed = removedVariables();
  const node = removed.filter((n) => n.startsWith('NODE'));
  const other = removed.filter((n) => !n.startsWith('NODE'));
  return `clean environment (as a systemd unit has it): PATH, HOME, LANG only; removed ${node.length ? node.join(', ') : 'no NODE_* variables'}${other.length ? ` and ${other.length} others (${other.join(', ')})` : ''}`;
}

/**
 * The NODE_OPTIONS a unit template sets (`Environment=NODE_OPTIONS=...`), or
 * undefined: the bench runs a server with the options its unit gives it.
 */
export function unitNodeOptions(unit) {
  const text = readFileSync(resolve(import.meta.dirname, '../systemd', unit), 'utf8');
  const value = /^Environment=NODE_OPTIONS=(.*)$/m.exec(text)?.[1];
  // systemd splits and unquotes Environment= values: this reader takes one plain word only.
  if (value !== undefined && !/^[^\s"']+$/.test(value))
    throw new Error(
      `${unit}: NODE_OPTIONS=${value} is more than one plain word; teach unitNodeOptions systemd's quoting`,
    );
  return value;
}

export const fmt = (n, digits = 1) => (typeof n === 'number' ? n.toFixed(digits) : 'n/a');
