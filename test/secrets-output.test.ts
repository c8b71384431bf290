import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples, type ServiceAccountKeyJson } from '../src/emulator/index.js';
import { at, startWorld, type World } from './helpers/world.js';

/**
 * Every command, at debug level, in text and JSON: no secret may appear in
 * anything calsync prints (stdout or stderr).
 */
const SECRETS = {
  CALSYNC_SENDGRID_API_KEY: 'SG.sendgrid-secret-key-0123456789',
  CALSYNC_WEBHOOK_TOKEN: 'webhook-secret-token-0123456789',
};
/** A Workspace user the service account acts as (domain-wide delegation), beside alice's token. */
const DELEGATED = 'dana@team.test';
let world: World;
let serviceKey: ServiceAccountKeyJson;
let sink: Server;
let sinkUrl: string;

beforeAll(async () => {
  // Accepts anything: heartbeats, SendGrid and push deliveries land here.
  sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url?.startsWith('/v3/') ? 202 : 200).end('{"ok":true}'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  world = await startWorld({
    sources: ['alice@example.test', DELEGATED],
    env: {
      ...SECRETS,
      CALSYNC_UPTIME_KUMA_PUSH_URL: `${sinkUrl}/api/push/kumaPushSecret0123456789`,
      CALSYNC_HEALTHCHECKS_URL: `${sinkUrl}/ping/hc-secret-uuid-0123456789`,
      CALSYNC_SENDGRID_API_ROOT: sinkUrl,
      CALSYNC_ALERT_FROM: 'calsync@example.test',
      CALSYNC_ALERT_TO: 'admin@example.test',
      CALSYNC_WEBHOOK_URL: `${sinkUrl}/webhook`,
      XDG_CONFIG_HOME: '/nonexistent-xdg',
    },
  });
  world.emu.injectFaults({ method: 'POST', pathIncludes: '/revoke', status: 503 });
  serviceKey = world.emu.issueServiceAccountKey();
  world.emu.grantDomainDelegation('team.test', serviceKey.client_id);
  const keyFile = join(world.cli.dir, 'service-account.json');
  writeFileSync(keyFile, JSON.stringify(serviceKey), { mode: 0o600 });
  world.cli.env.CALSYNC_SERVICE_ACCOUNT_KEY_FILE = keyFile;
  world.cli.env.CALSYNC_DELEGATED_DOMAINS = 'team.test';
  world.emu.seedEvent(DELEGATED, samples.meeting({ summary: 'Team', start: at(2, 12), end: at(2, 13) }));
  world.emu.seedEvent(
    'alice@example.test',
    samples.gmailEvent({ summary: 'Trip', start: at(2, 8), end: at(2, 9) }),
  );
  world.emu.seedEvent(
    'alice@example.test',
    samples.meeting({ summary: 'Own', start: at(2, 10), end: at(2, 11) }),
  );
});

afterAll(async () => {
  await world.close();
  await new Promise((r) => sink.close(r));
});

const commands = [
  ['poll', '--verbose'],
  ['poll', '--verbose', '--json'],
  ['poll', '--dry-run', '--verbose', '--full-resync'],
  ['config', 'show', '--verbose'],
  ['config', 'show', '--json'],
  ['auth', '--list', '--verbose'],
  ['auth', '--list', '--json', '--verbose'],
  ['watch', '--verbose'],
  ['watch', '--json', '--verbose'],
  ['health-check', '--verbose'],
  ['health-check', '--json', '--verbose'],
  ['metrics', '--verbose'],
  ['clean', '--verbose', '--json'],
  ['systemd', 'install', '--dry-run', '--verbose'],
  ['watch', '--stop', '--verbose'],
  // Google refuses the revocation (503, below): the error names the request, never the token.
  ['auth', '--remove', 'alice@example.test', '--verbose'],
  ['auth', '--remove', 'alice@example.test', '--json', '--verbose'],
];

describe('secrets never reach output', () => {
  it('no token, key or push URL appears in the output of any command at debug level', async () => {
    const user = world.emu.authorizedUser('alice@example.test');
    const secrets = [
      ...Object.values(SECRETS),
      'kumaPushSecret0123456789',
      'hc-secret-uuid-0123456789',
      user.refresh_token,
      user.client_secret,
      'ya29.',
      // The service account's private key, whole, JSON-escaped or any line of it, and a signed assertion.
      serviceKey.private_key,
      JSON.stringify(serviceKey.private_key).slice(1, -1),
      ...serviceKey.private_key.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')),
      'eyJhbGciOiJSUzI1NiJ9.',
    ];
    let ran = 0;
    const outputs: string[] = [];
    for (const args of commands) {
      const res = await world.cli.run(args, { CALSYNC_LOG_LEVEL: 'debug' });
      const output = res.stdout + res.stderr;
      expect(output.length, args.join(' ')).toBeGreaterThan(0);
      for (const secret of secrets)
        expect(output, `${args.join(' ')} printed a secret`).not.toContain(secret);
      outputs.push(`${args.join(' ')}\n${output}`);
      ran++;
    }
    expect(ran).toBe(commands.length);
    // The access tokens cached for the next processes (tokens/<account>.access.json) are secrets
    // too: the signed-in user's and the one the service account got as the delegated user.
    for (const account of ['alice@example.test', DELEGATED]) {
      const cached = JSON.parse(
        readFileSync(join(world.cli.dir, 'tokens', `${account}.access.json`), 'utf8'),
      ) as { access_token: string };
      expect(cached.access_token.length, account).toBeGreaterThan(10);
      for (const output of outputs) expect(output).not.toContain(cached.access_token);
    }
    // The commands did real work with those secrets: the heartbeat and Google were reached,
    // and the service account acted as the delegated user.
    expect(world.emu.requests.some((r) => r.path.includes('/watch'))).toBe(true);
    expect(
      world.emu.requests.some((r) => r.path === '/token' && r.account === DELEGATED && r.status === 200),
    ).toBe(true);
    expect(world.emu.requests.some((r) => r.path === '/revoke' && r.status === 503)).toBe(true);
    // Seventeen commands one after the other, on a machine that may be busy.
  }, 180_000);
});
