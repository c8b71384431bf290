/**
 * Test helper: an emulator with accounts, and real Google clients pointed at
 * it (the Calendar client via rootUrl, OAuth via the token endpoint). Other
 * areas' tests import this; keep its names stable.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { startEmulator } from '../../src/emulator/index.js';
import type { CalendarOptions, Emulator, StartEmulatorOptions } from '../../src/emulator/index.js';

export type { Emulator };
export type OAuthClient = InstanceType<typeof auth.OAuth2>;

/** An OAuth2 client holding the account's refresh token, refreshing at the emulator. */
export function oauthClientFor(emu: Emulator, email: string): OAuthClient {
  const user = emu.authorizedUser(email);
  const client = new auth.OAuth2({
    clientId: user.client_id,
    clientSecret: user.client_secret,
    endpoints: { oauth2TokenUrl: `${emu.url}/token`, oauth2AuthBaseUrl: `${emu.url}/o/oauth2/v2/auth` },
  });
  client.setCredentials({ refresh_token: user.refresh_token });
  return client;
}

/** The real Calendar v3 client for an account; its own retries are off unless asked for. */
export function calendarClientFor(
  emu: Emulator,
  email: string,
  opts: { retry?: boolean } = {},
): calendar_v3.Calendar {
  return calendar({
    version: 'v3',
    auth: oauthClientFor(emu, email),
    rootUrl: `${emu.url}/`,
    retry: opts.retry ?? false,
  });
}

/** Writes `<configDir>/tokens/<email>.json` (mode 0600), the file calsync reads; returns its path. */
export function writeTokenFile(configDir: string, emu: Emulator, email: string): string {
  const dir = join(configDir, 'tokens');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${email}.json`);
  writeFileSync(file, JSON.stringify(emu.authorizedUser(email), null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** The environment that points calsync at the emulator. */
export function emulatorEnv(emu: Emulator): Record<string, string> {
  return { CALSYNC_GOOGLE_API_ROOT: `${emu.url}/`, CALSYNC_GOOGLE_TOKEN_URL: `${emu.url}/token` };
}

export interface TestEmulator {
  emu: Emulator;
  calendarFor(email: string, opts?: { retry?: boolean }): calendar_v3.Calendar;
  authFor(email: string): OAuthClient;
  close(): Promise<void>;
}

export interface TestEmulatorOptions extends StartEmulatorOptions {
  /** Accounts to add (each with its primary calendar); default alice@example.com and bob@example.com. */
  accounts?: string[];
  /** A secondary calendar to add, e.g. the shared one. */
  sharedCalendar?: { id: string } & CalendarOptions;
}

export async function startTestEmulator(opts: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const { accounts = ['alice@example.com', 'bob@example.com'], sharedCalendar, ...start } = opts;
  const emu = await startEmulator(start);
  for (const a of accounts) emu.addAccount(a);
  if (sharedCalendar) {
    const { id, ...calOpts } = sharedCalendar;
    emu.addCalendar(id, calOpts);
  }
  return {
    emu,
    calendarFor: (email, o) => calendarClientFor(emu, email, o),
    authFor: (email) => oauthClientFor(emu, email),
    close: () => emu.close(),
  };
}

export interface GoogleErrorDetails {
  status: number | undefined;
  reason: string | undefined;
  message: string | undefined;
  body: unknown;
  headers: Record<string, string>;
}

/** Runs a call that must fail and returns what Google (the emulator) answered. */
export async function googleError(call: () => Promise<unknown>): Promise<GoogleErrorDetails> {
  try {
    await call();
  } catch (err) {
    const e = err as { status?: number; response?: { status?: number; data?: unknown; headers?: unknown } };
    const data = e.response?.data as
      { error?: { message?: string; errors?: { reason?: string }[] } } | undefined;
    const headers: Record<string, string> = {};
    const h = e.response?.headers;
    if (h && typeof (h as Headers).forEach === 'function' && typeof (h as Headers).get === 'function') {
      (h as Headers).forEach((v, k) => (headers[k.toLowerCase()] = v));
    } else if (h && typeof h === 'object') {
      for (const [k, v] of Object.entries(h)) headers[k.toLowerCase()] = String(v);
    }
    return {
      status: e.status ?? e.response?.status,
      reason: data?.error?.errors?.[0]?.reason,
      message: data?.error?.message,
      body: e.response?.data,
      headers,
    };
  }
  throw new Error('expected the call to fail, it succeeded');
}
