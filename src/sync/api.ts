import type { Settings } from '../config/types.js';
import { calendarFor, type Calendar } from '../google/client.js';
import { accountFor, isInvalidGrant, sharedAccount } from '../google/auth.js';
import { AuthError } from '../errors.js';
import { Pacer } from '../google/pacer.js';
import { withRetry } from '../google/retry.js';

/**
 * Google access for one poll: a client and a pacer per account, so every call
 * an account makes (reads and writes) shares that account's quota budget.
 */
export class GoogleAccess {
  private readonly clients = new Map<string, Calendar>();
  private readonly pacers = new Map<string, Pacer>();
  /** Counts calls made, for reports and the benchmark. */
  calls = 0;

  constructor(private readonly settings: Settings) {}

  /** The account that reads and writes a calendar: a source's own, or the shared calendar's. */
  accountOf(calendarId: string): string {
    if (this.settings.inviteEmail && calendarId === this.settings.inviteEmail && !this.settings.sourceCalendars.includes(calendarId)) {
      return sharedAccount(this.settings) ?? calendarId;
    }
    return accountFor(this.settings, calendarId);
  }

  client(account: string): Calendar {
    let c = this.clients.get(account);
    if (!c) {
      c = calendarFor(this.settings, account);
      this.clients.set(account, c);
    }
    return c;
  }

  private pacer(account: string): Pacer {
    let p = this.pacers.get(account);
    if (!p) {
      p = new Pacer(this.settings.requestsPerSecond, this.settings.writeConcurrency);
      this.pacers.set(account, p);
    }
    return p;
  }

  /** One Google call for an account: paced, and retried on retryable errors. */
  async call<T>(account: string, label: string, fn: (client: Calendar) => Promise<T>): Promise<T> {
    const client = this.client(account);
    const pacer = this.pacer(account);
    try {
      // A place in the account's queue first, so time spent queueing never eats into
      // the retry budget; then every attempt waits for its own rate slot.
      return await pacer.run(() =>
        withRetry(
          async () => {
            await pacer.tick();
            this.calls++;
            return fn(client);
          },
          { label, onRetry: (waitMs) => pacer.backOff(Math.max(waitMs, 1000 / this.settings.requestsPerSecond)) },
        ),
      );
    } catch (err) {
      // The token refresh inside the call failed for good: the account must sign in again.
      if (isInvalidGrant(err)) {
        throw new AuthError(account, `the refresh token of ${account} was revoked or has expired (invalid_grant)`, {
          hint: `run: calsync auth ${account} --client-secrets <client_secret.json>`,
          cause: err,
        });
      }
      throw err;
    }
  }
}
