/**
 * Who writes a source calendar's mirrors on the shared calendar: the source
 * calendar's own account when it may write there, else the fallback
 * (`sharedCalendarAccount`, by default the shared calendar's own address when
 * that has a token), else nobody, with the reason and the fix. Each account's
 * access is asked once per poll, and only when something is to be written there.
 */
import type { Settings } from '../config/types.js';
import { AuthError } from '../errors.js';
import { sharedAccount } from '../google/accounts.js';
import { classifyGoogleError } from '../google/google-error.js';
import type { GoogleAccess } from './api.js';

export interface MirrorWriter {
  /** The account that writes; undefined when none may. */
  account: string | undefined;
  /** Why none may (set when account is undefined). */
  reason?: string;
  /** What the user can do about it (set when account is undefined). */
  fix?: string;
}

interface Access {
  canWrite: boolean;
  /** e.g. "may only read it", "has no access to it", "has no token". */
  why: string;
}

const WRITE_ROLES = new Set(['owner', 'writer']);

/**
 * The account's role on the shared calendar. calendarList.get answers only for
 * calendars in the user's list, and a calendar shared through its ACL alone is
 * not there (404): then a one-event listing of the calendar tells the role
 * (events.list returns `accessRole`), without adding anything to the user's list.
 * A 404 there too, or a 403, means no access; a missing token, that the account
 * cannot be used. Any other error fails the calendar's poll (its token stays).
 */
async function accessOf(api: GoogleAccess, account: string, shared: string): Promise<Access> {
  const verdict = (role: string | null | undefined): Access =>
    role && WRITE_ROLES.has(role)
      ? { canWrite: true, why: `is ${role}` }
      : { canWrite: false, why: role ? `may only read it (${role})` : 'has no access to it' };
  try {
    try {
      const res = await api.call(account, 'calendarList.get', (c) =>
        c.calendarList.get({ calendarId: shared }),
      );
      return verdict(res.data.accessRole);
    } catch (err) {
      if (classifyGoogleError(err).status !== 404) throw err;
      const res = await api.call(account, 'events.list', (c) =>
        c.events.list({ calendarId: shared, maxResults: 1, fields: 'accessRole' }),
      );
      return verdict(res.data.accessRole);
    }
  } catch (err) {
    if (err instanceof AuthError) return { canWrite: false, why: 'has no usable token' };
    const { status } = classifyGoogleError(err);
    if (status === 403 || status === 404) return { canWrite: false, why: 'has no access to it' };
    throw err;
  }
}

/** Resolves writers for one poll, asking each account at most once. */
export class MirrorWriters {
  private readonly access = new Map<string, Promise<Access>>();

  constructor(
    private readonly api: GoogleAccess,
    private readonly settings: Settings,
  ) {}

  private accessOf(account: string): Promise<Access> {
    let a = this.access.get(account);
    if (!a) {
      a = accessOf(this.api, account, this.settings.inviteEmail ?? '');
      this.access.set(account, a);
    }
    return a;
  }

  /** The writer of mirrors for a source calendar read by `sourceAccount`. */
  async writerFor(sourceAccount: string): Promise<MirrorWriter> {
    const own = await this.accessOf(sourceAccount);
    if (own.canWrite) return { account: sourceAccount };
    const shared = this.settings.inviteEmail ?? '';
    const fallback = sharedAccount(this.settings);
    const explicit = this.settings.sharedCalendarAccount !== undefined;
    const parts = [`${sourceAccount} ${own.why}`];
    if (fallback !== undefined && fallback !== sourceAccount) {
      const other = await this.accessOf(fallback);
      if (other.canWrite) return { account: fallback };
      // The default fallback (the shared calendar's own address) usually cannot sign in: say so only when set.
      if (explicit) parts.push(`sharedCalendarAccount ${fallback} ${other.why}`);
    }
    return {
      account: undefined,
      reason: `no account may write the shared calendar ${shared}: ${parts.join('; ')}`,
      fix:
        `give ${sourceAccount} "Make changes to events" on ${shared}, or run: ` +
        `calsync config set sharedCalendarAccount <an account that may>; then run: calsync poll --full-resync`,
    };
  }
}
