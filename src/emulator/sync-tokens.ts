/**
 * Sync and page tokens: opaque to clients, self-describing to the emulator.
 * A sync token names its calendar, the change sequence it covers and the
 * calendar's token generation (invalidateSyncTokens bumps it: 410).
 */
import { errors } from './google-errors.js';
import { isRecord } from './http-util.js';
import type { CalendarRecord } from './store.js';

interface SyncTokenData {
  c: string;
  s: number;
  g: number;
}

export function encodeSyncToken(cal: CalendarRecord, seq: number): string {
  const data: SyncTokenData = { c: cal.id, s: seq, g: cal.syncGeneration };
  return 'CP' + Buffer.from(JSON.stringify(data)).toString('base64url');
}

/** The change sequence a token covers; 410 fullSyncRequired when it is unusable. */
export function decodeSyncToken(token: string, cal: CalendarRecord): number {
  const data = decode(token.startsWith('CP') ? token.slice(2) : '');
  if (!data || data.c !== cal.id || data.g !== cal.syncGeneration || typeof data.s !== 'number')
    throw errors.fullSyncRequired();
  return data.s;
}

export interface PageCursor {
  /** The last item's position (createdSeq, or an offset for orderBy=updated). */
  after: number;
  /** The change sequence when the listing began: the last page's nextSyncToken. */
  snapshot: number;
}

export function encodePageToken(cursor: PageCursor): string {
  return 'EP' + Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodePageToken(token: string): PageCursor {
  const data = decode(token.startsWith('EP') ? token.slice(2) : '');
  if (!data || typeof data.after !== 'number' || typeof data.snapshot !== 'number')
    throw errors.invalid('Invalid page token value.', 'pageToken');
  return { after: data.after, snapshot: data.snapshot };
}

function decode(b64: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
