/**
 * The container image, built from the Containerfile and run with podman as
 * Compose would run it: its own network (a published port), the config dir on
 * a volume, a secret from a file, against the bundled emulator on this host
 * (host.containers.internal). Needs podman and the base image the FROM names
 * (`.ci/run` installs podman and imports a Debian 13 root made by mmdebstrap).
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemo, startEmulator, type Emulator } from '../../src/emulator/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const IMAGE = 'localhost/calsync:test-container';
const BASE = 'docker.io/library/debian:trixie-slim';
/** The user the Containerfile runs calsync as (its CALSYNC_UID). */
const UID = 10001;
const TOKEN = 'container-test-webhook-token-0123456789';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * podman, with the lines it logs because this host has no systemd to time health checks with left
 * out. Never spawnSync: the emulator runs in this process and must answer the container meanwhile.
 */
function podman(args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('podman', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ status: null, stdout, stderr: String(err) }));
    child.on('close', (status) => {
      const kept = stderr.split('\n').filter((l) => !l.includes('unable to get systemd connection'));
      resolve({ status, stdout, stderr: kept.join('\n') });
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Polls `check` every 250 ms until it returns a value; after `limitMs` fails with `what` and `detail()`. */
async function until<T>(
  what: string,
  detail: () => Promise<string>,
  limitMs: number,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}\n${await detail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A directory calsync in the container may use: owned by its user, mode 700 (it refuses anything else). */
function ownedDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  chownSync(path, UID, UID);
  return path;
}

function ownedFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chownSync(path, UID, UID);
}

const work = mkdtempSync(join(tmpdir(), 'calsync-container-'));
chmodSync(work, 0o755);
const containers: string[] = [];
const volumes: string[] = [];
let emu: Emulator | undefined;

beforeAll(async () => {
  const version = await podman(['--version']);
  if (version.status !== 0)
    throw new Error(`podman is needed (Debian: apt-get install podman runc): ${version.stderr}`);
  if ((await podman(['image', 'exists', BASE])).status !== 0)
    throw new Error(`the base image ${BASE} is missing: pull it, or make it as .ci/container-base does`);
  // The build fetches from the npm registry and the Debian mirror; it trusts what node here trusts
  // (a TLS-intercepting proxy's CA in NODE_EXTRA_CA_CERTS), as a mount, never as a layer.
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const caArgs = ca
    ? ['-v', `${ca}:/run/build-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/build-ca.crt']
    : [];
  const build = await podman(
    [
      'build',
      '--isolation',
      'chroot',
      '--format',
      'docker',
      ...caArgs,
      '-t',
      IMAGE,
      '-f',
      'Containerfile',
      ROOT,
    ],
    1_200_000,
  );
  expect(build.status, `${build.stdout.slice(-4000)}\n${build.stderr}`).toBe(0);
});

afterAll(async () => {
  for (const name of containers) await podman(['rm', '-f', '-t', '0', name]);
  for (const name of volumes) await podman(['volume', 'rm', '-f', name]);
  await emu?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the container image', () => {
  it('runs calsync as a non-root user, with a health check, and only production dependencies', async () => {
    const config = await podman(['image', 'inspect', '--format', '{{json .Config}}', IMAGE]);
    expect(config.status, config.stderr).toBe(0);
    const c = JSON.parse(config.stdout) as {
      User?: string;
      Healthcheck?: { Test?: string[] };
      Volumes?: object;
    };
    expect(c.User).toBe(`${UID}:${UID}`);
    const check = await podman(['image', 'inspect', '--format', '{{json .HealthCheck}}', IMAGE]);
    expect((JSON.parse(check.stdout) as { Test?: string[] }).Test?.join(' ')).toContain('/health');
    expect(Object.keys(c.Volumes ?? {})).toEqual(['/config']);

    const id = await podman(['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    expect(id.stdout.trim()).toBe(String(UID));
    const modules = await podman(['run', '--rm', '--entrypoint', 'ls', IMAGE, '/opt/calsync/node_modules']);
    expect(modules.status, modules.stderr).toBe(0);
    expect(modules.stdout).toMatch(/@googleapis/);
    for (const dev of ['vitest', 'typescript', 'eslint', 'rolldown', 'prettier'])
      expect(modules.stdout).not.toMatch(dev);
    const v = await podman(['run', '--rm', IMAGE, '--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('polls and syncs, answers /health, takes a push notification, and exits 0 on SIGTERM', async () => {
    emu = await startEmulator({ host: '0.0.0.0', quotaPerMinute: null });
    const seed = seedDemo(emu);
    const emulatorUrl = `http://host.containers.internal:${new URL(emu.url).port}`;
    const config = ownedDir(join(work, 'config'));
    ownedDir(join(config, 'tokens'));
    for (const account of [...seed.sourceCalendars, seed.inviteEmail])
      ownedFile(join(config, 'tokens', `${account}.json`), JSON.stringify(emu.authorizedUser(account)));
    ownedFile(
      join(config, 'config.json'),
      JSON.stringify({ sourceCalendars: seed.sourceCalendars, inviteEmail: seed.inviteEmail }),
    );
    const secrets = ownedDir(join(work, 'secrets'));
    ownedFile(join(secrets, 'webhook_token'), `${TOKEN}\n`);
    chmodSync(secrets, 0o755);

    const port = await freePort();
    const name = `calsync-test-${process.pid}`;
    containers.push(name);
    const started = await podman([
      'run',
      '-d',
      '--name',
      name,
      '-p',
      `127.0.0.1:${port}:5000`,
      '-v',
      `${config}:/config`,
      '-v',
      `${join(secrets, 'webhook_token')}:/run/secrets/webhook_token:ro`,
      '-e',
      `CALSYNC_GOOGLE_API_ROOT=${emulatorUrl}/`,
      '-e',
      `CALSYNC_GOOGLE_TOKEN_URL=${emulatorUrl}/token`,
      '-e',
      `CALSYNC_GOOGLE_AUTH_URL=${emulatorUrl}/o/oauth2/v2/auth`,
      '-e',
      `CALSYNC_GOOGLE_REVOKE_URL=${emulatorUrl}/revoke`,
      // Google (the emulator, on this host) delivers to the published port.
      '-e',
      `CALSYNC_WEBHOOK_URL=http://127.0.0.1:${port}`,
      '-e',
      'CALSYNC_WEBHOOK_TOKEN_FILE=/run/secrets/webhook_token',
      IMAGE,
      // The image's command with an hour between scheduled polls: a change synced within
      // the test came through the push notification.
      'serve-webhook',
      '--host',
      '0.0.0.0',
      '--port',
      '5000',
      '--poll-interval',
      '60',
    ]);
    expect(started.status, started.stderr).toBe(0);
    const logs = async () => {
      const l = await podman(['logs', name]);
      return `${l.stdout}${l.stderr}`;
    };

    // The schedule's first tick: a poll of every source calendar, then the push channels.
    const base = `http://127.0.0.1:${port}`;
    await until('/health 200', logs, 120_000, async () => {
      const res = await fetch(`${base}/health`).catch(() => undefined);
      return res?.status === 200 ? res : undefined;
    });
    const shared = DEMO_ACCOUNTS.shared;
    const flightCopy = () => emu?.listEvents(shared).find((e) => e.summary?.startsWith('Flight LH 123'));
    expect(flightCopy(), await logs()).toBeDefined();
    expect(emu.listEvents(shared).some((e) => e.summary === 'Team standup')).toBe(true);
    await until('push channels', logs, 60_000, () =>
      emu?.requests.filter((r) => r.path.endsWith('/events/watch')).length === seed.sourceCalendars.length
        ? true
        : undefined,
    );
    const health = await podman(['healthcheck', 'run', name]);
    expect(health.status, `${health.stdout}${health.stderr}`).toBe(0);

    // A person moves the flight: Google notifies, the server polls that calendar, the copy follows.
    const personal = DEMO_ACCOUNTS.personal;
    const flight = emu.listEvents(personal).find((e) => e.eventType === 'fromGmail');
    const start = new Date(Date.parse(flight?.start?.dateTime ?? '') + 2 * 3_600_000).toISOString();
    const end = new Date(Date.parse(flight?.end?.dateTime ?? '') + 2 * 3_600_000).toISOString();
    emu.updateEvent(personal, flight?.id ?? '', { start: { dateTime: start }, end: { dateTime: end } });
    await until("the flight's copy to move", logs, 60_000, () => {
      const at = flightCopy()?.start?.dateTime;
      return at && Date.parse(at) === Date.parse(start) ? true : undefined;
    });
    const delivered = emu.deliveries.filter((d) => d.state === 'exists');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^calsync_webhooks_received_total [1-9]/m);

    // Compose's stop: SIGTERM, then SIGKILL after the grace period (10 s here). Exit 0 means
    // calsync drained and left before the kill.
    const stop = await podman(['stop', '-t', '10', name]);
    expect(stop.status, stop.stderr).toBe(0);
    const exit = await podman(['inspect', '--format', '{{.State.ExitCode}}', name]);
    expect(exit.stdout.trim(), await logs()).toBe('0');
    expect(await logs()).toMatch(/stopped/);
  });

  it("signs an account in as compose.yaml's auth service does: the host's network, the browser on 127.0.0.1", async () => {
    const google = await startEmulator({ host: '0.0.0.0', quotaPerMinute: null });
    try {
      const account = DEMO_ACCOUNTS.personal;
      google.addAccount(account);
      const config = ownedDir(join(work, 'auth-config'));
      const clientSecrets = join(work, 'client_secret.json');
      writeFileSync(
        clientSecrets,
        JSON.stringify({
          installed: {
            client_id: google.clientId,
            client_secret: google.clientSecret,
            auth_uri: `${google.url}/o/oauth2/v2/auth`,
            token_uri: `${google.url}/token`,
            redirect_uris: ['http://localhost'],
          },
        }),
        { mode: 0o644 },
      );
      const port = String(await freePort());
      const url = `http://127.0.0.1:${new URL(google.url).port}`;
      const child = spawn(
        'podman',
        [
          'run',
          '--rm',
          '--network',
          'host',
          '-v',
          `${config}:/config`,
          '-v',
          `${clientSecrets}:/client_secret.json:ro`,
          '-e',
          `CALSYNC_GOOGLE_API_ROOT=${url}/`,
          '-e',
          `CALSYNC_GOOGLE_TOKEN_URL=${url}/token`,
          '-e',
          `CALSYNC_GOOGLE_AUTH_URL=${url}/o/oauth2/v2/auth`,
          IMAGE,
          'auth',
          account,
          '--client-secrets',
          '/client_secret.json',
          '--no-browser',
          '--port',
          port,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((done) => child.on('close', done));
      // The browser: open the printed URL; the emulator consents and sends it back to 127.0.0.1:<port>.
      const signIn = await until(
        'the sign-in URL',
        () => Promise.resolve(out),
        60_000,
        () => /(http:\/\/\S+\/o\/oauth2\/v2\/auth\?\S+)/.exec(out)?.[1],
      );
      const page = await fetch(signIn);
      expect(page.status, out).toBe(200);
      expect(await exited, out).toBe(0);
      const token = JSON.parse(readFileSync(join(config, 'tokens', `${account}.json`), 'utf8')) as {
        type?: string;
      };
      expect(token.type).toBe('authorized_user');
    } finally {
      await google.close();
    }
  });

  it('a config dir it cannot write is a clear error', async () => {
    // A bind mount of a directory root made: calsync's user may not write it.
    const config = join(work, 'root-owned');
    mkdirSync(config, { mode: 0o755 });
    const r = await podman(['run', '--rm', '-v', `${config}:/config`, IMAGE]);
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0]).toMatch(new RegExp(`^calsync: /config is owned by uid 0, not by you \\(uid ${UID}\\)`));
    expect(lines[1]).toContain(`chown ${UID} /config`);
  });

  it("a new named volume, as Compose makes one, is the non-root user's to write", async () => {
    const volume = `calsync-test-config-${process.pid}`;
    volumes.push(volume);
    const set = await podman([
      'run',
      '--rm',
      '-v',
      `${volume}:/config`,
      IMAGE,
      'config',
      'set',
      'lookbackDays',
      '2',
    ]);
    expect(set.status, set.stderr).toBe(0);
    const get = await podman([
      'run',
      '--rm',
      '-v',
      `${volume}:/config`,
      IMAGE,
      'config',
      'get',
      'lookbackDays',
    ]);
    expect(get.stdout.trim()).toBe('2');
  });
});
