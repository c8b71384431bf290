/**
 * Checking and normalising one setting value by its kind, whether it came from
 * config.json (JSON types) or from text (environment, `config set`). Problems
 * are phrased to follow `key "x": ` and never repeat the value (it may be secret).
 */
import { LOG_LEVELS, isLogLevel } from '../util/log.js';
import { parseServiceAccountKey } from './service-account-key.js';
import type { ValueKind } from './spec.js';

export type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

/** Google's `birthdayProperties.type` values (kept here, not imported from sync/, which sits above config/). */
export const BIRTHDAY_TYPE_NAMES = ['birthday', 'anniversary', 'custom', 'other', 'self'] as const;

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (problem: string): Checked => ({ ok: false, problem });

/** Account names become token file names (tokens/<account>.json): the same rule as google/auth.ts. */
const SAFE_ACCOUNT = /^[A-Za-z0-9._@+-]{1,200}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkUrl(value: unknown): Checked {
  if (typeof value !== 'string') return bad('must be an http(s) URL');
  const text = value.trim();
  if (!URL.canParse(text)) return bad('must be an http(s) URL');
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad('must be an http(s) URL');
  return ok(text);
}

/** The interface page: a webhook URL with no path gets `/webhook`. */
function checkWebhookUrl(value: unknown): Checked {
  const checked = checkUrl(value);
  if (!checked.ok || typeof checked.value !== 'string') return checked;
  const url = new URL(checked.value);
  // Google delivers push notifications only to https (events.watch: "address"). Plain http is
  // left to loopback, which Google never reaches anyway: the emulator and local tests live there.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return bad('must be an https URL: Google delivers push notifications only to https');
  // serve-webhook answers these paths itself; notifications sent there would never poll.
  if (url.pathname === '/health' || url.pathname === '/metrics')
    return bad(`must not end in ${url.pathname}: serve-webhook answers that path itself (use /webhook)`);
  if (url.pathname !== '/') return checked;
  url.pathname = '/webhook';
  return ok(url.toString());
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

function checkAccountMap(value: unknown): Checked {
  if (!isPlainObject(value))
    return bad('must map calendar ids to account names, e.g. {"cal@example.com": "alice@example.com"}');
  const out: Record<string, string> = {};
  for (const [calendar, account] of Object.entries(value)) {
    if (typeof account !== 'string' || !account.trim())
      return bad(`calendar "${calendar}" must map to an account name`);
    const name = account.trim();
    if (!SAFE_ACCOUNT.test(name) || name.startsWith('.')) {
      return bad(`account "${name}" is not a safe file name (letters, digits, ".", "_", "@", "+", "-")`);
    }
    out[calendar.trim()] = name;
  }
  return ok(out);
}

/** A calendar's address (id): one "@" between non-empty parts, no white space. */
export const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** Checks a value of the right JSON type and returns it normalised (trimmed, de-duplicated). */
export function checkValue(kind: ValueKind, value: unknown): Checked {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') return bad('must be a string');
      return value.trim() ? ok(value.trim()) : bad('must not be empty');
    case 'address': {
      // The shared calendar is invited by this address: anything else would be invited nowhere, every poll.
      const text = checkValue('string', value);
      if (!text.ok) return text;
      return ADDRESS.test(text.value as string)
        ? text
        : bad(
            'must be the shared calendar\'s address: its Calendar ID (Google Calendar → the calendar\'s "Settings and sharing" → "Integrate calendar"), e.g. family@group.calendar.google.com, or an account\'s address',
          );
    }
    case 'list': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
        return bad('must be a list of non-empty strings');
      }
      return ok([...new Set(value.map((v: string) => v.trim()))]);
    }
    case 'url':
      return checkUrl(value);
    case 'webhookUrl':
      return checkWebhookUrl(value);
    case 'positiveInteger':
      return Number.isSafeInteger(value) && (value as number) >= 1
        ? ok(value)
        : bad('must be a positive integer');
    case 'nonNegativeInteger':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? ok(value)
        : bad('must be a whole number, 0 or more');
    case 'positiveNumber':
      return typeof value === 'number' && Number.isFinite(value) && value > 0
        ? ok(value)
        : bad('must be a positive number');
    case 'logLevel':
      return typeof value === 'string' && isLogLevel(value)
        ? ok(value)
        : bad(`must be one of ${LOG_LEVELS.join(', ')}`);
    case 'gmailOriginal':
      return value === 'keep' || value === 'delete' ? ok(value) : bad('must be keep or delete');
    case 'organizedEvents':
      return value === 'invite' || value === 'mirror' ? ok(value) : bad('must be invite or mirror');
    case 'birthdayTypes': {
      const list = checkValue('list', value);
      if (!list.ok) return list;
      const types = (list.value as string[]).map((t) => t.toLowerCase());
      const unknown = types.find((t) => !(BIRTHDAY_TYPE_NAMES as readonly string[]).includes(t));
      return unknown === undefined
        ? ok(types)
        : bad(`"${unknown}" is not a birthday type (${BIRTHDAY_TYPE_NAMES.join(', ')})`);
    }
    case 'accountMap':
      return checkAccountMap(value);
    case 'serviceAccountKey': {
      if (typeof value !== 'string') return bad('must be the JSON text of a service account key');
      const key = parseServiceAccountKey(value);
      return 'problem' in key ? bad(key.problem) : ok(value);
    }
    case 'domainList':
      return checkDomainList(value);
  }
}

/** Workspace domains ("example.com"), lower-cased: an account's domain is compared without case. */
function checkDomainList(value: unknown): Checked {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    return bad('must be a list of domains, e.g. ["example.com"]');
  const domains = value.map((v: string) => v.trim().toLowerCase().replace(/^@/, '')).filter((v) => v);
  for (const d of domains)
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)) return bad(`"${d}" is not a domain like example.com`);
  return ok([...new Set(domains)]);
}

function parseAccountMapText(text: string): unknown {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
  // "cal@x=alice,cal2@y=bob": the shell-friendly form for `config set`.
  const out: Record<string, string> = {};
  for (const pair of splitList(text)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Comma-separated list: items trimmed, empty items dropped. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Parses text (an environment variable, a `config set` argument) into a checked value. */
export function parseText(kind: ValueKind, raw: string): Checked {
  const text = raw.trim();
  switch (kind) {
    case 'list':
      return checkValue(kind, splitList(text));
    case 'positiveInteger':
    case 'nonNegativeInteger':
      return checkValue(kind, /^\d+$/.test(text) ? Number(text) : Number.NaN);
    case 'positiveNumber':
      return checkValue(kind, /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN);
    case 'logLevel':
    case 'gmailOriginal':
    case 'organizedEvents':
      return checkValue(kind, text.toLowerCase());
    case 'birthdayTypes':
      return checkValue(kind, splitList(text));
    case 'accountMap':
      return checkValue(kind, parseAccountMapText(text));
    case 'domainList':
      return checkValue(kind, splitList(text));
    default:
      return checkValue(kind, text);
  }
}
