/**
 * `node dist/emulator/main.js --port N [--host H] [--seed demo] [--tokens-dir DIR] [--quota N|none]
 *   [--invitations <calendar>=everyone|knownSenders|whenResponded]… [--deleted-events restorable|burnt]
 *   [--sign-in-as A]
 *   [--service-account-key FILE [--delegate-domain DOMAIN]…]`
 * Prints the emulator's URL on stdout (first line) and runs until SIGTERM/SIGINT.
 * With --tokens-dir, writes `<account>.json` token files (mode 0600) for the accounts.
 * With --service-account-key, writes a service account key file (mode 0600) whose
 * client each --delegate-domain grants the Calendar scope (docs/workspace.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo } from './demo-seed.js';
import { startEmulator } from './emulator.js';
import { INVITATION_SETTINGS, isInvitationSetting } from './invitation-setting.js';

const HELP = `Usage: node dist/emulator/main.js [options]

The Google Calendar API and OAuth emulator calsync's tests and demo use.
Prints its URL on stdout (the first line) and runs until SIGTERM or Ctrl-C.
For trying calsync's commands, \`calsync sandbox\` sets everything up around it.

Options:
  --port <n>            port to listen on (default 0: any free port)
  --host <host>         address to listen on (default 127.0.0.1)
  --seed demo           the demo's accounts, shared calendar and events
  --tokens-dir <dir>    write <account>.json token files (authorized_user, mode 0600) for the seeded accounts
  --quota <n>|none      quota units per minute per account before 403 rateLimitExceeded (default 600)
  --invitations <calendar>=everyone|knownSenders|whenResponded
                        the calendar's "Add invitations to my calendar" setting (repeatable)
  --deleted-events restorable|burnt
                        whether an update may bring back a deleted event (burnt: 403, as reported of Google)
  --sign-in-as <email>  the account that signs in, whatever the sign-in URL's login_hint names
  --service-account-key <file>
                        write a Workspace service account's JSON key (mode 0600) for tests and sandboxes
  --delegate-domain <domain>
                        grant that key's client the Calendar scope for the domain's users (repeatable)
  -h, --help            this help

Point calsync at it: CALSYNC_GOOGLE_API_ROOT=<url>/, CALSYNC_GOOGLE_TOKEN_URL=<url>/token,
CALSYNC_GOOGLE_AUTH_URL=<url>/o/oauth2/v2/auth.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'tokens-dir': { type: 'string' },
      quota: { type: 'string' },
      // "Add invitations to my calendar" of a calendar (after seeding), e.g. family@group.calendar.google.com=knownSenders.
      invitations: { type: 'string', multiple: true },
      'deleted-events': { type: 'string' },
      'sign-in-as': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      'service-account-key': { type: 'string' },
      'delegate-domain': { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values.seed !== undefined && values.seed !== 'demo')
    throw new Error(`--seed knows only "demo", got ${values.seed}`);
  let quotaPerMinute: number | null | undefined;
  if (values.quota !== undefined) quotaPerMinute = values.quota === 'none' ? null : Number(values.quota);
  if (typeof quotaPerMinute === 'number' && (!Number.isInteger(quotaPerMinute) || quotaPerMinute < 1))
    throw new Error('--quota must be a positive integer or "none"');

  const deleted = values['deleted-events'];
  if (deleted !== undefined && deleted !== 'restorable' && deleted !== 'burnt')
    throw new Error(`--deleted-events must be restorable or burnt, got ${deleted}`);
  const emu = await startEmulator({ port, host: values.host, quotaPerMinute, deletedEvents: deleted });
  const accounts: string[] = [];
  if (values.seed === 'demo') {
    const seed = seedDemo(emu);
    accounts.push(...seed.sourceCalendars, seed.inviteEmail);
  }
  for (const pair of values.invitations ?? []) {
    const eq = pair.lastIndexOf('=');
    const calendarId = pair.slice(0, eq);
    const setting = pair.slice(eq + 1);
    if (eq <= 0 || !isInvitationSetting(setting))
      throw new Error(`--invitations takes <calendar>=${INVITATION_SETTINGS.join('|')}, got ${pair}`);
    emu.setInvitationSetting(calendarId, setting);
  }
  const signInAs = values['sign-in-as'];
  if (signInAs !== undefined) {
    emu.addAccount(signInAs);
    emu.consent = { mode: 'approve', account: signInAs };
  }
  const tokensDir = values['tokens-dir'];
  if (tokensDir !== undefined) {
    mkdirSync(tokensDir, { recursive: true, mode: 0o700 });
    for (const account of accounts) {
      writeFileSync(
        join(tokensDir, `${account}.json`),
        JSON.stringify(emu.authorizedUser(account), null, 2) + '\n',
        { mode: 0o600 },
      );
    }
  }
  const keyFile = values['service-account-key'];
  if (keyFile !== undefined) {
    const key = emu.issueServiceAccountKey();
    for (const domain of values['delegate-domain'] ?? []) emu.grantDomainDelegation(domain, key.client_id);
    writeFileSync(keyFile, JSON.stringify(key, null, 2) + '\n', { mode: 0o600 });
  } else if (values['delegate-domain'] !== undefined) {
    throw new Error('--delegate-domain needs --service-account-key <file>');
  }
  process.stdout.write(`${emu.url}\n`);
  process.stderr.write(`calsync emulator: listening on ${emu.url} (client_id ${emu.clientId})\n`);

  const stop = () => {
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `calsync emulator: ${err instanceof Error ? err.message : String(err)} (see --help)\n`,
  );
  process.exit(2);
});
