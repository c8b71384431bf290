import type { Settings } from '../config/types.js';
import { calendarWithAuth, type Calendar } from '../google/client.js';
import { accountFor, credentialError, loadAccountAuth, sharedAccount } from '../google/auth.js';
import { OperationError } from '../errors.js';
import { classifyGoogleError } from '../google/google-error.js';
import { Pacer } from '../google/pacer.js';
import { withRetry } from '../google/retry.js';
import { log } from '../util/log.js';
import { checkAnswer } from './validate.js';

/** Calls that ran out of retries in a row before an account is left alone for the rest of the poll. */
const OUTAGE_AFTER = 3;

/**
 * Quota units a call costs, by its label (the API method's name): Google's
 * events.patch reference says "each patch request consumes three quota
 * units"; every other request costs one.
 */
export function unitsOf(label: string): number {
  return label === 'events.patch' ? 3 : 1;
}

/**
 * Thrown instead of making a call for an account that was stopped in this poll
 * (Google said "Calendar usage limits exceeded", or kept failing): the action
 * waits for the next poll instead of hammering Google.
 */
export class AccountStoppedError extends OperationError {
  constructor(
    readonly account: string,
    readonly why: string,
  ) {
    super(`${why} for ${account}; waits for the next poll`);
  }
}

/**
 * Google access for one poll: a client and a pacer per account, so every call
 * an account makes (reads and writes) shares that account's quota budget.
 */
export class GoogleAccess {
  private readonly clients = new Map<string, Calendar>();
  private readonly pacers = new Map<string, Pacer>();
  /** Accounts no call may go to for the rest of this poll, and why. */
  private readonly stopped = new Map<string, string>();
  private readonly failuresInARow = new Map<string, number>();
  /** Counts calls made (every attempt), for reports and the benchmark. */
  calls = 0;
  private units = 0;

  constructor(private readonly settings: Settings) {}

  /** The account that reads and writes a calendar: a source's own, or the shared calendar's. */
  accountOf(calendarId: string): string {
    if (
      this.settings.inviteEmail &&
      calendarId === this.settings.inviteEmail &&
      !this.settings.sourceCalendars.includes(calendarId)
    ) {
      return sharedAccount(this.settings) ?? calendarId;
    }
    return accountFor(this.settings, calendarId);
  }

  client(account: string): Calendar {
    let c = this.clients.get(account);
    if (!c) {
      c = calendarWithAuth(this.settings, loadAccountAuth(this.settings, account));
      this.clients.set(account, c);
    }
    return c;
  }

  /** Quota units spent in this poll (every attempt counts, as Google counts it). */
  get unitsUsed(): number {
    return this.units;
  }

  private pacer(account: string): Pacer {
    let p = this.pacers.get(account);
    if (!p) {
      p = new Pacer(this.settings.quotaUnitsPerSecond, this.settings.writeConcurrency);
      this.pacers.set(account, p);
    }
    return p;
  }

  /**
   * One Google call for an account: paced by its quota units (derived from
   * `label`, e.g. "events.patch" costs 3), retried on retryable errors,
   * refused once the account is stopped.
   */
  async call<T>(account: string, label: string, fn: (client: Calendar) => Promise<T>): Promise<T> {
    const units = unitsOf(label);
    const client = this.client(account);
    const pacer = this.pacer(account);
    try {
      // A place in the account's queue first, so time spent queueing never eats into
      // the retry budget; then every attempt waits for its own rate slot.
      const result = await pacer.run(() =>
        withRetry(
          async () => {
            const why = this.stopped.get(account);
            if (why) throw new AccountStoppedError(account, why);
            await pacer.tick(units);
            this.calls++;
            this.units += units;
            // A body that is not the answer asked for (not JSON, not an event) fails here, not as an empty answer.
            // A 401 (an access token revoked mid-poll) is refreshed and retried once inside the client (user-oauth-client.ts).
            return checkAnswer(label, await fn(client));
          },
          // A rate-limit answer slows every request of the account, not only the one retrying.
          {
            label,
            onRetry: (waitMs) => pacer.backOff(Math.max(waitMs, 1000 / this.settings.quotaUnitsPerSecond)),
          },
        ),
      );
      this.failuresInARow.delete(account);
      return result;
    } catch (err) {
      this.noteFailure(account, err);
      // The token refresh inside the call failed for good: the account must sign in
      // again, or (a delegated account) the admin must act; the error says what.
      const authError = credentialError(this.settings, account, err);
      if (authError) throw authError;
      throw err;
    }
  }

  private noteFailure(account: string, err: unknown): void {
    if (err instanceof AccountStoppedError) return;
    const info = classifyGoogleError(err);
    if (info.kind === 'quota-exhausted') return this.stop(account, 'Calendar usage limits exceeded');
    if (info.kind !== 'retryable') return;
    const n = (this.failuresInARow.get(account) ?? 0) + 1;
    this.failuresInARow.set(account, n);
    // Google is down for this account: stop rather than hold the lock through every retry of every write.
    if (n >= OUTAGE_AFTER)
      this.stop(account, `Google kept failing (${info.status ?? 'network'} ${info.reason ?? ''})`.trim());
  }

  private stop(account: string, why: string): void {
    if (this.stopped.has(account)) return;
    this.stopped.set(account, why);
    log.warn(`${why} for ${account}: no more calls for it in this poll`);
  }
}
