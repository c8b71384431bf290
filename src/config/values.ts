/**
 * Checking and normalising one setting value by its kind, whether it came from
 * config.json (JSON types) or from text (environment, `config set`). Problems
 * are phrased to follow `key "x": ` and never repeat the value (it may be secret).
 */
import { LOG_LEVELS, isLogLevel } from '../util/log.js';
import { docPath } from '../util/docs.js';
import { urlForMessage } from '../util/url-text.js';
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

/**
 * Google's client library (gaxios, node-fetch) and fetch refuse a URL with a
 * user name or password, and the refusal would hide every real error behind
 * it: such a Google endpoint is refused here, with the way to a proxy that
 * needs a password (the library honours HTTPS_PROXY).
 */
export const GOOGLE_URL_CREDENTIALS =
  "must not hold a user name or password (Google's client library refuses such a URL); " +
  // No example URL with a password here: every message is scrubbed of userinfo (util/url-text.ts).
  "for a proxy that needs a password, set HTTPS_PROXY to the proxy's URL (its user name and password included) instead";

function checkGoogleUrl(value: unknown): Checked {
  const checked = checkUrl(value);
  if (!checked.ok || typeof checked.value !== 'string') return checked;
  const url = new URL(checked.value);
  return url.username || url.password
    ? bad(`${GOOGLE_URL_CREDENTIALS} (${docPath('configuration.md')})`)
    : checked;
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

/** Google's event palette (colors.get, `event`): ids "1" to "11". */
const EVENT_COLOR_IDS = Array.from({ length: 11 }, (_, i) => String(i + 1));

/** A calendar → value map whose values are one of a few words (calendarDetails) or colour ids (calendarColors). */
function checkCalendarMap(
  value: unknown,
  example: string,
  normalise: (v: unknown) => string | undefined,
  expected: string,
): Checked {
  if (!isPlainObject(value)) return bad(`must map calendar ids to values, e.g. ${example}`);
  const out: Record<string, string> = {};
  for (const [calendar, v] of Object.entries(value)) {
    const got = normalise(v);
    if (got === undefined) return bad(`calendar "${calendar}": ${expected}`);
    out[calendar.trim()] = got;
  }
  return ok(out);
}

/**
 * skipTitles: each pattern must compile as a case-insensitive regular
 * expression; the first that does not is named, with how to fix it.
 */
function checkRegexList(value: unknown): Checked {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== ''))
    return bad('must be a list of regular expressions, e.g. ["^Therapy", "interview"]');
  for (const pattern of value as string[]) {
    try {
      new RegExp(pattern, 'i');
    } catch (err) {
      const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : '';
      return bad(
        `pattern "${pattern}" is not a valid regular expression (${why}); fix it, or put a backslash before ( ) [ ] { } * + ? . to match the character itself`,
      );
    }
  }
  return ok([...new Set(value as string[])]);
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
    case 'googleUrl':
      return checkGoogleUrl(value);
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
    case 'privateEvents':
      return value === 'busy' || value === 'skip' || value === 'full'
        ? ok(value)
        : bad('must be busy, skip or full');
    case 'calendarDetails':
      return checkCalendarMap(
        value,
        '{"work@example.com": "busy"}',
        (v) => (v === 'full' || v === 'busy' ? v : undefined),
        'must be full or busy',
      );
    case 'colorMap':
      return checkCalendarMap(
        value,
        '{"alice@example.com": "5"}',
        (v) => {
          const id = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
          return EVENT_COLOR_IDS.includes(id) ? id : undefined;
        },
        'must be a Google event colour id, 1 to 11',
      );
    case 'regexList':
      return checkRegexList(value);
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : bad('must be true or false');
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseAccountMapText(text: string): unknown {
  if (text.startsWith('{')) return parseJson(text);
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

/** A value as an error may quote it: a URL without its secret parts (userinfo, query, fragment). */
export function quotedInput(kind: ValueKind, text: string): string {
  return kind === 'url' || kind === 'googleUrl' || kind === 'webhookUrl' ? urlForMessage(text.trim()) : text;
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
    case 'calendarDetails':
    case 'colorMap':
      return checkValue(kind, parseAccountMapText(text));
    case 'privateEvents':
      return checkValue(kind, text.toLowerCase());
    case 'regexList':
      // A pattern may hold a comma ("a{1,3}"): the JSON list form keeps it whole.
      return checkValue(kind, text.startsWith('[') ? parseJson(text) : splitList(text));
    case 'boolean': {
      const word = text.toLowerCase();
      const truth = ['true', 'yes', 'on', '1'].includes(word)
        ? true
        : ['false', 'no', 'off', '0'].includes(word)
          ? false
          : undefined;
      return checkValue(kind, truth);
    }
    case 'domainList':
      return checkValue(kind, splitList(text));
    default:
      return checkValue(kind, text);
  }
}
