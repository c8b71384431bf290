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
 * The id of the copy or mirror of a source event. Deterministic, so a re-run,
 * a lost state file or a crash after the insert finds the copy again (Google
 * answers 409 for an id that exists). Google allows base32hex, 5-1024 chars.
 *
 * Mirrors leave the calendar out: Google gives every guest's copy of a meeting
 * the same event id, so a meeting two source accounts are invited to gets one
 * mirror, not two.
 */
export function copyEventId(sourceCalendarId: string, sourceEventId: string, rule: CopyRule): string {
  const scope = rule === 'mirror' ? '' : sourceCalendarId;
  const digest = createHash('sha256').update(`${rule}\u0000${scope}\u0000${sourceEventId}`).digest();
  // "cs" (valid base32hex) marks calsync's ids; 130 bits make collisions moot.
  return 'cs' + base32hex(digest.subarray(0, 17)).slice(0, 26);
}

/** Whether an id is one calsync gives its copies and mirrors (a cancelled copy carries nothing else to tell). */
export function isCopyId(eventId: string): boolean {
  return /^cs[0-9a-v]{26}$/.test(eventId);
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
