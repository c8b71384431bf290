/**
 * `calsync auth <account> --client-secrets <file>`: sign an account in and
 * save its token file; `calsync auth --list`: which tokens work right now.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  DEFAULT_PROFILE,
  isDelegatedAccount,
  listProfiles,
  loadSettings,
  profileDir,
  profileNameProblem,
  resolveConfigDir,
} from '../config/index.js';
import { UsageError } from '../errors.js';
import { redact } from '../util/log.js';
import { applyLogLevel, globalOptions, printJson, type GlobalOptions } from './globals.js';
import { docPath } from '../util/docs.js';

interface AuthFlags {
  clientSecrets?: string;
  browser: boolean;
  port?: number;
  list?: boolean;
  remove?: boolean;
  allowOtherAccount?: boolean;
  fromProfile?: string;
}

const EXAMPLE = 'calsync auth you@gmail.com --client-secrets client_secret.json';

export function registerAuthCommand(program: Command): void {
  program
    .command('auth')
    .description(
      "sign an account in to Google and save its token (OAuth loopback flow); --list checks every account's token; --remove revokes and deletes one",
    )
    .argument('[account]', 'the account, usually its e-mail address (names the token file)')
    .option(
      '--client-secrets <file>',
      'the OAuth client JSON downloaded from Google Cloud (a "Desktop app" client)',
    )
    .option('--no-browser', 'only print the URL to open (headless servers); never start a browser')
    .option('--port <n>', 'the 127.0.0.1 port the browser comes back to (default: any free port)', parsePort)
    .option(
      '--allow-other-account',
      "keep the token even if another Google account signs in (one that can read this account's calendar)",
    )
    .option(
      '--list',
      'list the accounts, their token files and whether each refreshes now (exit 1 when one does not)',
    )
    .option('--remove', "revoke the account's refresh token at Google and delete its token file")
    .option(
      '--from-profile <name>',
      `copy the account's token from profile <name> of this machine (0600), no second sign-in; "${DEFAULT_PROFILE}" is the install without a profile`,
    )
    .addHelpText(
      'after',
      [
        '',
        'The URL is always printed. On a headless server, forward the port from your desktop',
        'before opening it there:  ssh -L <port>:127.0.0.1:<port> <server>  (a fixed --port makes this easier).',
        'The browser has 5 minutes to come back (CALSYNC_AUTH_TIMEOUT_MS, in milliseconds, overrides it).',
        'With --json the instructions go to stderr and stdout gets one JSON document.',
        `Setting up the Google Cloud project and client: ${docPath('google-setup.md')}`,
      ].join('\n'),
    )
    .action(async (account: string | undefined, flags: AuthFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      if (flags.list && flags.remove) throw new UsageError('auth: --list and --remove exclude each other');
      if (flags.fromProfile !== undefined) {
        if (account === undefined || flags.list || flags.remove || flags.clientSecrets !== undefined)
          throw new UsageError(
            'auth: --from-profile takes one account and no --client-secrets, --list or --remove',
            { hint: `e.g. calsync --profile club auth you@gmail.com --from-profile ${DEFAULT_PROFILE}` },
          );
        await runCopy(g, account, flags.fromProfile);
        return;
      }
      if (flags.list) {
        if (flags.clientSecrets !== undefined || flags.port !== undefined) {
          throw new UsageError('auth: --list takes no --client-secrets or --port', {
            hint: "see 'calsync auth --help'",
          });
        }
        await runList(g, account);
        return;
      }
      if (flags.remove) {
        if (account === undefined || flags.clientSecrets !== undefined || flags.port !== undefined)
          throw new UsageError('auth: --remove takes one account and no --client-secrets or --port', {
            hint: 'e.g. calsync auth --remove you@gmail.com',
          });
        await runRemove(g, account);
        return;
      }
      if (account === undefined)
        throw new UsageError(`auth: missing the account to sign in (e.g. ${EXAMPLE})`, {
          hint: "see 'calsync auth --help'",
        });
      if (flags.clientSecrets === undefined) {
        throw new UsageError(`auth: missing --client-secrets <file> (e.g. ${EXAMPLE})`, {
          hint: `how to get the file: ${docPath('google-setup.md')}`,
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
    allowOtherAccount: flags.allowOtherAccount === true,
    timeoutMs: authTimeoutMs(process.env),
    say,
  });
  if (g.json)
    printJson({ account: result.account, tokenFile: result.tokenFile, signedInAs: result.signedInAs });
  else {
    say('');
    const who = result.signedInAs === result.account ? '' : ` (signed in as ${result.signedInAs})`;
    say(`Signed in: the token of ${result.account}${who} is in ${result.tokenFile}`);
  }
}

/** The config dir of `--from-profile <name>`: a profile of this config root, or the root itself for "default". */
function fromProfileDir(name: string): string {
  const { root } = resolveConfigDir();
  if (name === DEFAULT_PROFILE) return root;
  const problem = profileNameProblem(name);
  if (problem) throw new UsageError(`auth: --from-profile "${name}": ${problem}`);
  return profileDir(root, name);
}

async function runCopy(g: GlobalOptions, account: string, from: string): Promise<void> {
  const { settings } = loadSettings({ env: process.env });
  applyLogLevel(g, settings.logLevel);
  if (isDelegatedAccount(settings, account))
    throw new UsageError(
      `auth: ${account} is in a delegated domain (delegatedDomains): the service account acts as it, no token needed`,
      { hint: 'check it with: calsync auth --list' },
    );
  const fromDir = fromProfileDir(from);
  if (fromDir === settings.configDir)
    throw new UsageError(`auth: --from-profile ${from} is this very profile (${fromDir})`, {
      hint: 'select the profile that gets the token with --profile <name>',
    });
  const { copyTokenFile } = await import('../google/token-store.js');
  const tokenFile = await copyTokenFile(fromDir, settings.configDir, account);
  if (g.json) printJson({ account, tokenFile, fromProfile: from });
  else
    process.stdout.write(
      `copied the token of ${account} from profile ${from} to ${tokenFile} (mode 600); one grant for both: auth --remove in one deletes its copy only, in the last one it also revokes it at Google\n`,
    );
}

/** Which other profiles of this config root (or the install without one) hold a refresh token too. */
async function otherHolders(configDir: string, account: string): Promise<(refreshToken: string) => string[]> {
  const { holdsRefreshToken } = await import('../google/token-store.js');
  const { root } = resolveConfigDir();
  const others: [string, string][] = [
    [DEFAULT_PROFILE, root],
    ...listProfiles(root).map((p): [string, string] => [p, profileDir(root, p)]),
  ];
  return (refreshToken) =>
    others
      .filter(([, dir]) => dir !== configDir && holdsRefreshToken(dir, account, refreshToken))
      .map(([name]) => name);
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

async function runRemove(g: GlobalOptions, account: string): Promise<void> {
  const { settings } = loadSettings({ env: process.env });
  applyLogLevel(g, settings.logLevel);
  const { removeAccount } = await import('../google/revoke.js');
  const report = await removeAccount(settings, account, await otherHolders(settings.configDir, account));
  if (g.json) {
    printJson(report);
    return;
  }
  const lines = [
    report.revocation === 'revoked'
      ? `revoked the refresh token of ${account} at Google`
      : `nothing revoked for ${account}: ${report.note ?? ''}`,
    `deleted: ${report.deleted.join(', ')}`,
    report.calendarsWithoutToken.length
      ? `now without a token: ${report.calendarsWithoutToken.join(', ')} (calsync auth ${account} --client-secrets <file> signs it in again)`
      : 'no configured calendar used this account',
  ];
  process.stdout.write(redact(lines.join('\n')) + '\n');
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError('a port is a number from 1 to 65535');
  return n;
}
