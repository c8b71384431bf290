import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { calendar, auth } from '@googleapis/calendar';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../src/emulator/demo-seed.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'emulator', 'main.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('emulator main', () => {
  it('--help says every option and exits 0; an unknown option points to it', () => {
    const help = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const option of ['--port', '--host', '--seed demo', '--tokens-dir', '--quota', '--sign-in-as'])
      expect(help.stdout).toContain(option);
    const bad = spawnSync(process.execPath, [MAIN, '--prot', '1'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('(see --help)');
  });

  it('prints its URL, serves the demo seed with token files, and exits 0 on SIGTERM', async () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run npm run build first`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'calsync-emu-main-'));
    dirs.push(dir);
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--seed', 'demo', '--tokens-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', () => reject(new Error('emulator exited before printing its URL')));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const tokenFile = join(dir, `${DEMO_ACCOUNTS.personal}.json`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const user = JSON.parse(readFileSync(tokenFile, 'utf8')) as {
      type: string;
      client_id: string;
      client_secret: string;
      refresh_token: string;
    };
    expect(user.type).toBe('authorized_user');
    const client = new auth.OAuth2({
      clientId: user.client_id,
      clientSecret: user.client_secret,
      endpoints: { oauth2TokenUrl: `${url}/token` },
    });
    client.setCredentials({ refresh_token: user.refresh_token });
    const api = calendar({ version: 'v3', auth: client, rootUrl: `${url}/`, retry: false });
    const { data } = await api.events.list({ calendarId: DEMO_ACCOUNTS.personal });
    const types = (data.items ?? []).map((e) => e.eventType);
    expect(types).toContain('birthday');
    expect(types).toContain('fromGmail');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it("writes a service account key file (0600) whose client may act as the delegated domain's users", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calsync-emu-main-'));
    dirs.push(dir);
    const keyFile = join(dir, 'sa.json');
    const child = spawn(
      process.execPath,
      [
        MAIN,
        '--port',
        '0',
        '--seed',
        'demo',
        '--service-account-key',
        keyFile,
        '--delegate-domain',
        'demo.calsync.test',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('emulator exited before printing its URL')));
    });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = JSON.parse(readFileSync(keyFile, 'utf8')) as { client_email: string; private_key: string };
    const jwt = new auth.JWT({
      email: key.client_email,
      key: key.private_key,
      scopes: ['https://www.googleapis.com/auth/calendar'],
      subject: DEMO_ACCOUNTS.work,
    });
    jwt.transporter.interceptors.request.add({
      resolved: (o) => {
        if (String(o.url) === 'https://oauth2.googleapis.com/token') o.url = new URL(`${url}/token`);
        return Promise.resolve(o);
      },
    });
    const api = calendar({ version: 'v3', auth: jwt, rootUrl: `${url}/`, retry: false });
    const { data } = await api.calendars.get({ calendarId: 'primary' });
    expect(data.id).toBe(DEMO_ACCOUNTS.work);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('emulator main: Google-behaviour switches', () => {
  it('refuses an unknown "Add invitations to my calendar" setting or deleted-events mode (exit 2, the valid values named)', async () => {
    for (const args of [
      ['--invitations', 'family@group.calendar.google.com=sometimes'],
      ['--deleted-events', 'maybe'],
    ]) {
      const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(stderr).toMatch(/everyone\|knownSenders\|whenResponded|restorable or burnt/);
    }
  });
});
