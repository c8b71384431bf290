/**
 * Shared by the auth end-to-end tests: a config dir pointed at an in-process
 * emulator, the built binary run as a child, and a "browser" that follows
 * Google's consent redirect by hand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../src/emulator/index.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'calsync.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tempConfigDir(): string {
  return mkdtempSync(join(tmpdir(), 'calsync-auth-'));
}

/** A clean environment: no desktop (so no browser), no settings but the emulator's endpoints. */
export function cliEnv(
  emu: Emulator,
  configDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: configDir,
    CALSYNC_CONFIG_DIR: configDir,
    CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token`,
    CALSYNC_GOOGLE_AUTH_URL: `${emu.url}/o/oauth2/v2/auth`,
    CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`,
    ...extra,
  };
}

export function writeClientSecrets(dir: string, body: unknown, name = 'client_secret.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}

export function desktopClient(emu: Emulator): unknown {
  return {
    installed: {
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
      redirect_uris: ['http://localhost'],
    },
  };
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves with the consent URL as soon as the child prints it. */
  authUrl: Promise<string>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let foundUrl: (url: string) => void = () => undefined;
  let noUrl: (err: Error) => void = () => undefined;
  const authUrl = new Promise<string>((resolve, reject) => {
    foundUrl = resolve;
    noUrl = reject;
  });
  // Tests that expect an early failure never await the URL.
  authUrl.catch(() => undefined);
  const seek = (): void => {
    const m = /(http:\/\/\S+\/o\/oauth2\/v2\/auth\?\S+)/.exec(stdout + stderr);
    if (m?.[1]) foundUrl(m[1]);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    seek();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    seek();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      noUrl(new Error(`calsync exited ${code} without printing a sign-in URL: ${stderr.trim()}`));
      resolve({ code, stdout, stderr });
    });
  });
  return { child, authUrl, done };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Plays the browser: asks the emulator for consent without following its 302, returns the Location. */
export async function consentRedirect(authUrl: string): Promise<URL> {
  const res = await fetch(authUrl, { redirect: 'manual' });
  await res.text();
  const location = res.headers.get('location');
  if (res.status !== 302 || !location)
    throw new Error(`expected a 302 from the consent screen, got ${res.status}`);
  return new URL(location);
}

/** Then lands on calsync's loopback server, as the browser would. */
export async function land(url: URL): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}
