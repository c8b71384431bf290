/**
 * `node dist/emulator/main.js --port N [--host H] [--seed demo] [--tokens-dir DIR] [--quota N|none]
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'tokens-dir': { type: 'string' },
      quota: { type: 'string' },
      'service-account-key': { type: 'string' },
      'delegate-domain': { type: 'string', multiple: true },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values.seed !== undefined && values.seed !== 'demo')
    throw new Error(`--seed knows only "demo", got ${values.seed}`);
  let quotaPerMinute: number | null | undefined;
  if (values.quota !== undefined) quotaPerMinute = values.quota === 'none' ? null : Number(values.quota);
  if (typeof quotaPerMinute === 'number' && (!Number.isInteger(quotaPerMinute) || quotaPerMinute < 1))
    throw new Error('--quota must be a positive integer or "none"');

  const emu = await startEmulator({ port, host: values.host, quotaPerMinute });
  const accounts: string[] = [];
  if (values.seed === 'demo') {
    const seed = seedDemo(emu);
    accounts.push(...seed.sourceCalendars, seed.inviteEmail);
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
  process.stderr.write(`calsync emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
