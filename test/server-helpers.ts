/**
 * Shared by the server, watch and metrics tests: temp config dirs with a
 * state, settings built from an explicit environment, HTTP helpers and the
 * built binary run as a child.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../src/config/index.js';
import type { Settings } from '../src/config/index.js';
import { openState, withStateLock } from '../src/state/index.js';
import type { State } from '../src/state/index.js';

export const BIN = join(import.meta.dirname, '..', 'bin', 'calsync.js');
export const TOKEN = 'test-webhook-token-0123456789';

export function assertBuilt(): void {
  const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx tsc -p tsconfig.build.json first`);
}

export interface TempDir {
  dir: string;
  cleanup: () => Promise<void>;
}

export function tempConfigDir(prefix = 'calsync-server-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Settings as a real config has them: a shared calendar included (none makes /health fail at once). */
export function settingsFor(configDir: string, env: Record<string, string> = {}): Settings {
  return loadSettings({
    env: { CALSYNC_CONFIG_DIR: configDir, CALSYNC_INVITE_EMAIL: 'family@group.calendar.test', ...env },
  }).settings;
}

/** Read-modify-write of the state the way every calsync process does it. */
export async function editState(configDir: string, edit: (state: State) => void): Promise<void> {
  await withStateLock(configDir, async () => {
    const store = await openState(configDir);
    edit(store.state);
    await store.save();
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain request with Node's http client (fetch hides the raw status handling of a closed socket). */
export function httpRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function notify(url: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return httpRequest(`${url}/webhook`, {
    method: 'POST',
    headers: { 'User-Agent': 'APIs-Google', ...headers },
  });
}

export interface RunningCli {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stderr. */
  waitForStderr: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs the binary (another copy of it with `bin`) as a child. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, bin = BIN): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) w();
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${String(pattern)} on stderr within ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      const check = (): void => {
        const m = pattern.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      waiters.push(check);
      void done.then(() => {
        clearTimeout(timer);
        const m = pattern.exec(stderr);
        if (m) resolve(m);
        else reject(new Error(`process exited before ${String(pattern)}; stderr: ${stderr}`));
      });
      check();
    });
  return { child, output: () => ({ stdout, stderr }), waitForStderr, done };
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return startCli(args, env).done;
}

/** A clean environment for a child: nothing from the developer's own settings leaks in. */
export function childEnv(configDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: configDir,
    CALSYNC_CONFIG_DIR: configDir,
    ...extra,
  };
}

/** Polls `check` until it returns true; the limit is generous, never a timing assertion. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
