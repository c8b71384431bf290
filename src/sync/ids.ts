import { createHash } from 'node:crypto';

/** The kinds of event calsync creates, each with its own id space. */
export type CopyRule = 'birthday' | 'gmail' | 'mirror';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The id of the copy or mirror of a source event, made for the shared
 * calendar `target` (ownership.ts: `targetOf`). Deterministic, so a re-run, a
 * lost state file or a crash after the insert finds this install's copy again
 * (Google answers 409 for an id that exists); the target is part of it, so two
 * installs (or profiles) sharing a source never collide. Google allows
 * base32hex, 5-1024 chars.
 *
 * Mirrors leave the source calendar out: Google gives every guest's copy of a
 * meeting the same event id, so a meeting two source accounts are invited to
 * gets one mirror, not two.
 */
export function copyEventId(
  target: string,
  sourceCalendarId: string,
  sourceEventId: string,
  rule: CopyRule,
): string {
  const scope = rule === 'mirror' ? '' : sourceCalendarId;
  const digest = createHash('sha256')
    .update(`${rule}\u0000${target}\u0000${scope}\u0000${sourceEventId}`)
    .digest();
  // "ct" (valid base32hex) marks calsync's ids that name their shared calendar; 130 bits make collisions moot.
  return 'ct' + base32hex(digest.subarray(0, 17)).slice(0, 26);
}

/**
 * The id the previous release gave a copy (no shared calendar in it, "cs"):
 * copies it made keep their id, and are found again by it (migration.ts).
 */
export function legacyCopyEventId(sourceCalendarId: string, sourceEventId: string, rule: CopyRule): string {
  const scope = rule === 'mirror' ? '' : sourceCalendarId;
  const digest = createHash('sha256').update(`${rule}\u0000${scope}\u0000${sourceEventId}`).digest();
  return 'cs' + base32hex(digest.subarray(0, 17)).slice(0, 26);
}

/** Whether an id is one the previous release gave (its copies keep it, generations included). */
export function isLegacyCopyId(eventId: string): boolean {
  return /^cs[0-9a-v]{26}(?:v[0-9a-v]+)?(?:_\d{8}(?:T\d{6}Z)?)?$/.test(eventId);
}

/** The two id prefixes: "ct" names the shared calendar, "cs" is the previous release's. */
export const COPY_ID_PATTERN = 'c[st][0-9a-v]{26}';

/** Whether an id is one calsync gives its copies and mirrors, of this release or the previous (a cancelled copy carries nothing else to tell). */
export function isCopyId(eventId: string): boolean {
  return new RegExp(`^${COPY_ID_PATTERN}$`).test(eventId);
}

/**
 * Splits an instance or exception id `<masterId>_<YYYYMMDDTHHMMSSZ>` (or
 * `_<YYYYMMDD>` for all-day series) into the master id and the suffix.
 */
export function splitInstanceId(eventId: string): { masterId: string; suffix: string } | undefined {
  const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(eventId);
  return m ? { masterId: m[1] as string, suffix: m[2] as string } : undefined;
}

/** The suffix Google gives an occurrence id, from its original start. */
export function instanceSuffix(originalStart: {
  dateTime?: string | null;
  date?: string | null;
}): string | undefined {
  if (originalStart.dateTime) {
    const d = new Date(originalStart.dateTime);
    if (Number.isNaN(d.getTime())) return undefined;
    return d
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  }
  if (originalStart.date) return originalStart.date.replace(/-/g, '');
  return undefined;
}
