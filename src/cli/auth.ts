/**
 * `calsync auth <account> --client-secrets <file>`: sign an account in and
 * save its token file; `calsync auth --list`: which tokens work right now.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { isDelegatedAccount, loadSettings } from '../config/index.js';
import { UsageError } from '../errors.js';
import { redact } from '../util/log.js';
import { applyLogLevel, globalOptions, printJson, type GlobalOptions } from './globals.js';

interface AuthFlags {
  clientSecrets?: string;
  browser: boolean;
  port?: number;
  list?: boolean;
}

const EXAMPLE = 'calsync auth you@gmail.com --client-secrets client_secret.json';

export function registerAuthCommand(program: Command): void {
  program
    .command('auth')
    .description(
      "sign an account in to Google and save its token (OAuth loopback flow); --list checks every account's token",
    )
    .argument('[account]', 'the account, usually its e-mail address (names the token file)')
    .option(
      '--client-secrets <file>',
      'the OAuth client JSON downloaded from Google Cloud (a "Desktop app" client)',
    )
    .option('--no-browser', 'only print the URL to open (headless servers); never start a browser')
    .option('--port <n>', 'the 127.0.0.1 port the browser comes back to (default: any free port)', parsePort)
    .option(
      '--list',
      'list the accounts, their token files and whether each refreshes now (exit 1 when one does not)',
    )
    .addHelpText(
      'after',
      [
        '',
        'The URL is always printed. On a headless server, forward the port from your desktop',
        'before opening it there:  ssh -L <port>:127.0.0.1:<port> <server>  (a fixed --port makes this easier).',
        'The browser has 5 minutes to come back (CALSYNC_AUTH_TIMEOUT_MS, in milliseconds, overrides it).',
        'With --json the instructions go to stderr and stdout gets one JSON document.',
        'Setting up the Google Cloud project and client: docs/google-setup.md',
      ].join('\n'),
    )
    .action(async (account: string | undefined, flags: AuthFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.list) {
        if (flags.clientSecrets !== undefined || flags.port !== undefined) {
          throw new UsageError('auth: --list takes no --client-secrets or --port', {
            hint: "see 'calsync auth --help'",
          });
        }
        await runList(g, account);
        return;
      }
      if (account === undefined)
        throw new UsageError(`auth: missing the account to sign in (e.g. ${EXAMPLE})`, {
          hint: "see 'calsync auth --help'",
        });
      if (flags.clientSecrets === undefined) {
        throw new UsageError(`auth: missing --client-secrets <file> (e.g. ${EXAMPLE})`, {
          hint: 'how to get the file: docs/google-setup.md',
        });
      }
      await runSignIn(g, account, flags.clientSecrets, flags);
    });
}

async function runSignIn(
  g: GlobalOptions,
  account: string,
  clientSecretsFile: string,
  flags: AuthFlags,
): Promise<void> {
  const { settings } = loadSettings({ env: process.env });
  applyLogLevel(g, settings.logLevel);
  // Its token file would never be read: the service account acts as every account of the domain.
  if (isDelegatedAccount(settings, account))
    throw new UsageError(
      `auth: ${account} is in a delegated domain (delegatedDomains): the service account acts as it, no sign-in needed`,
      { hint: 'check it with: calsync auth --list' },
    );
  // stdout carries the instructions, except with --json where it carries only the result.
  const say = (line: string): void => {
    (g.json ? process.stderr : process.stdout).write(redact(line) + '\n');
  };
  const { authTimeoutMs, signIn } = await import('../google/oauth-flow.js');
  const result = await signIn({
    settings,
    account,
    clientSecretsFile,
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    browser: flags.browser,
    timeoutMs: authTimeoutMs(process.env),
    say,
  });
  if (g.json) printJson({ account: result.account, tokenFile: result.tokenFile });
  else {
    say('');
    say(`Signed in: the token of ${result.account} is in ${result.tokenFile}`);
  }
}

async function runList(g: GlobalOptions, only: string | undefined): Promise<void> {
  const { settings } = loadSettings({ env: process.env });
  applyLogLevel(g, settings.logLevel);
  const { listAccounts, renderAccountList } = await import('./auth-list.js');
  const rows = await listAccounts(settings, only);
  if (g.json) printJson({ accounts: rows });
  else process.stdout.write(renderAccountList(rows).join('\n') + '\n');
  if (rows.some((r) => r.status !== 'ok')) process.exitCode = 1;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError('a port is a number from 1 to 65535');
  return n;
}
