/** Identifiers as Google makes them: event ids, etags, opaque tokens. */
import { randomBytes } from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Client-supplied ids: base32hex characters, 5-1024 long (events.insert reference). */
export function isValidEventId(id: string): boolean {
  return /^[0-9a-v]{5,1024}$/.test(id);
}

/** A 26-character base32hex id, like the ones Google generates. */
export function newEventId(): string {
  const bytes = randomBytes(26);
  let out = '';
  for (const b of bytes) out += BASE32HEX[b % 32];
  return out;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

let etagCounter = 0;

/** Quoted numeric etags that change on every write, as Google's do. */
export function newEtag(): string {
  etagCounter += 1;
  return `"${Date.now() * 1000 + (etagCounter % 1000)}"`;
}
