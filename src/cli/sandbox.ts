/**
 * `calsync sandbox`: every real command, practised without Google. Starts the
 * bundled emulator with the demo's accounts, events and shared calendar,
 * writes a "Desktop app" client secrets file and a config dir whose
 * config.json points calsync at the emulator, prints the one export line to
 * use it, and runs until Ctrl-C. The emulator signs in the account the
 * sign-in URL's login_hint names (`calsync auth <account>` sets it);
 * --sign-in-as makes someone else sign in, as a person picking another
 * account on Google's chooser would.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isProcessAlive, processStart } from '../state/process-alive.js';
import { applyLogLevel, globalOptions, printJson } from './globals.js';

interface SandboxFlags {
  dir?: string;
  port?: string;
  signInAs?: string;
}

/** Marks a directory the sandbox made, so a restart may wipe it and nothing else. */
const MARKER = '.calsync-sandbox';
/** The running sandbox's pid (and its start, so a reused pid is not taken for it). */
const PID_FILE = 'sandbox.pid';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description(
      'run a local Google emulator with sample accounts, events and a shared calendar, to try every command without Google',
    )
    .option(
      '--dir <dir>',
      'where the client secrets file and the sandbox config dir go (default: a temp dir)',
    )
    .option('--port <n>', "the emulator's port on 127.0.0.1 (default: any free port)")
    .option(
      '--sign-in-as <account>',
      'the account that signs in, whatever calsync asks for (to see auth refuse the wrong account)',
    )
    .addHelpText(
      'after',
      [
        '',
        'Each start is a fresh world: the sandbox config dir (tokens, state) is emptied.',
        'The walk-through: the README section "Try every command without Google".',
      ].join('\n'),
    )
    .action(async (flags: SandboxFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      applyLogLevel(g, 'warn');
      const port = parsePort(flags.port);
      const dir = resolve(flags.dir ?? join(tmpdir(), 'calsync-sandbox'));
      const { startEmulator, seedDemo } = await import('../emulator/index.js');
      prepareDir(dir);
      const ownPid = claimDir(dir);
      const emu = await startEmulator({ host: '127.0.0.1', port, quotaPerMinute: null });
      const seed = seedDemo(emu);
      if (flags.signInAs !== undefined) {
        emu.addAccount(flags.signInAs);
        emu.consent = { mode: 'approve', account: flags.signInAs };
      }
      const configDir = join(dir, 'config');
      const clientSecrets = join(dir, 'client_secret.json');
      writeClientSecrets(clientSecrets, emu.url, emu.clientId, emu.clientSecret);
      writeFileSync(
        join(configDir, 'config.json'),
        JSON.stringify(
          {
            googleApiRoot: `${emu.url}/`,
            googleTokenUrl: `${emu.url}/token`,
            googleAuthUrl: `${emu.url}/o/oauth2/v2/auth`,
            // auth --remove revokes here, not at Google (which never issued the sandbox's tokens).
            googleRevokeUrl: `${emu.url}/revoke`,
          },
          null,
          2,
        ) + '\n',
        { mode: 0o600 },
      );
      const info = {
        url: emu.url,
        sourceCalendars: seed.sourceCalendars,
        sharedCalendar: seed.inviteEmail,
        clientSecrets,
        configDir,
        export: `export CALSYNC_CONFIG_DIR=${configDir}`,
      };
      if (g.json) printJson(info);
      else process.stdout.write(describe(info));
      await untilStopped();
      await emu.close();
      rmSync(ownPid, { force: true });
    });
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535)
    throw new UsageError('sandbox: --port must be a number from 0 to 65535', {
      hint: "see 'calsync sandbox --help'",
    });
  return n;
}

interface PidRecord {
  pid: number;
  start?: string;
}

/** The sandbox running on this directory, if one is: its pid file names a live process (the same one). */
function runningSandbox(dir: string): number | undefined {
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(join(dir, PID_FILE), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  if (typeof record.pid !== 'number' || !isProcessAlive(record.pid)) return undefined;
  // A pid reused by another program since (after a crash or a reboot) has another start.
  const start = processStart(record.pid);
  if (record.start !== undefined && start !== undefined && start !== record.start) return undefined;
  return record.pid;
}

/** Writes this process's pid file; returns its path, removed when the sandbox stops. */
function claimDir(dir: string): string {
  const file = join(dir, PID_FILE);
  const start = processStart(process.pid);
  writeFileSync(file, JSON.stringify({ pid: process.pid, ...(start ? { start } : {}) }) + '\n', {
    mode: 0o600,
  });
  return file;
}

/** A fresh sandbox each start: the emulator forgets everything, so old tokens and state would lie. */
function prepareDir(dir: string): void {
  // Another sandbox serves this directory: wiping it would pull its tokens, state and config from under it.
  const other = runningSandbox(dir);
  if (other !== undefined)
    throw new UsageError(`sandbox: another calsync sandbox (pid ${other}) is running on ${dir}`, {
      hint: `stop it first (Ctrl-C in its terminal, or: kill ${other}), or pick another --dir`,
    });
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
    throw new UsageError(`sandbox: ${dir} is not empty and was not made by calsync sandbox`, {
      hint: 'pick another --dir (or an empty one)',
    });
  }
  rmSync(join(dir, 'config'), { recursive: true, force: true });
  mkdirSync(join(dir, 'config'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, MARKER), 'made by calsync sandbox; removed and remade on each start\n');
}

/** The file Google Cloud's console downloads for a "Desktop app" OAuth client. */
function writeClientSecrets(file: string, url: string, clientId: string, clientSecret: string): void {
  const body = {
    installed: {
      client_id: clientId,
      project_id: 'calsync-sandbox',
      auth_uri: `${url}/o/oauth2/v2/auth`,
      token_uri: `${url}/token`,
      client_secret: clientSecret,
      redirect_uris: ['http://localhost'],
    },
  };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
}

function describe(i: {
  url: string;
  sourceCalendars: string[];
  sharedCalendar: string;
  clientSecrets: string;
  configDir: string;
  export: string;
}): string {
  return [
    `calsync sandbox: a Google emulator on ${i.url}`,
    `  source accounts:  ${i.sourceCalendars.join(', ')}`,
    `  shared calendar:  ${i.sharedCalendar} (both source accounts may write it)`,
    `  client secrets:   ${i.clientSecrets} (a "Desktop app" client)`,
    `  config dir:       ${i.configDir} (its config.json points calsync at the emulator)`,
    '',
    'In another terminal, point calsync at it:',
    '',
    `  ${i.export}`,
    // A profile in that shell would pick <config dir>/profiles/<name>, which knows no emulator: real Google.
    ...(process.env.CALSYNC_PROFILE?.trim() ? ['  unset CALSYNC_PROFILE'] : []),
    '',
    "Sign-in signs in the account the URL's login_hint names (edit it in the URL to pick another).",
    'Walk-through: README, "Try every command without Google". Stop with Ctrl-C.',
    '',
  ].join('\n');
}

function untilStopped(): Promise<void> {
  return new Promise((resolvePromise) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
