/**
 * Helpers for the health, notify, clean and systemd tests: a temp config dir
 * with a hand-written state.json, the built binary run with an explicit
 * environment, and a local HTTP server that records what it receives.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyState, serializeState } from '../src/state/index.js';
import type { State } from '../src/state/index.js';

export const BIN = join(import.meta.dirname, '..', 'bin', 'calsync.js');

export function assertBuilt(): void {
  const main = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npx tsc -p tsconfig.build.json first`);
}

export interface Sandbox {
  /** A temp HOME; the config dir is inside it. */
  home: string;
  configDir: string;
  cleanup: () => Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const home = mkdtempSync(join(tmpdir(), 'calsync-ops-'));
  const configDir = join(home, 'calsync');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  return { home, configDir, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** A state built from the empty one; `edit` sets what the test needs. */
export function stateWith(edit: (s: State) => void): State {
  const s = emptyState();
  edit(s);
  return s;
}

export async function writeState(configDir: string, state: State): Promise<void> {
  await writeFile(join(configDir, 'state.json'), serializeState(state), { mode: 0o600 });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  firstLine: string;
}

/** Runs bin/calsync.js with only the given environment (plus PATH), never the developer's own. */
export function runCalsync(
  args: string[],
  box: Sandbox,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: box.home,
      CALSYNC_CONFIG_DIR: box.configDir,
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, firstLine: stdout.split('\n')[0] ?? '' }));
  });
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** What the next requests get; default 200 with an empty body. */
  answer: (req: Recorded) => { status: number; body?: string; headers?: Record<string, string> };
  close: () => Promise<void>;
}

/** A local HTTP server that records every request and answers with `answer`. */
export async function fakeServer(): Promise<FakeServer> {
  const fake: FakeServer = {
    url: '',
    requests: [],
    answer: () => ({ status: 200 }),
    close: () => Promise.resolve(),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      fake.requests.push(rec);
      const a = fake.answer(rec);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** A URL on which nothing listens: a server started and stopped again. */
export async function stoppedServerUrl(): Promise<string> {
  const s = await fakeServer();
  const url = s.url;
  await s.close();
  return url;
}

export function isoAgo(now: Date, seconds: number): string {
  return new Date(now.getTime() - seconds * 1000).toISOString();
}
