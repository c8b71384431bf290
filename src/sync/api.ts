import { lazyModule } from '../util/lazy-module.js';
import type { Settings } from '../config/types.js';
import type { Calendar } from '../google/client.js';
import { accountFor, sharedAccount } from '../google/accounts.js';
import { cachedBearer, forgetCachedBearer } from '../google/cached-bearer.js';
import { listEventsPlain, PlainHttpError, type ListParams } from '../google/plain-list.js';
import { requestTimeoutMs } from '../google/request-timeout.js';
import { requestSignals, type RequestSignals } from '../google/request-signals.js';
import { GoogleUnreachableError, InterruptedError, OperationError, interruption } from '../errors.js';
import { classifyGoogleError } from '../google/google-error.js';
import { HostOutage, hostOf, unreachedReason } from '../google/outage.js';
import { isTokenFailure } from '../google/token-request.js';
import { Pacer } from '../google/pacer.js';
import { withRetry } from '../google/retry.js';
import { log } from '../util/log.js';
import { checkAnswer } from './validate.js';

/** The client library and its auth: loaded on first use (an idle poll never does). */
export const loadGoogleClient = lazyModule(() =>
  Promise.all([import('../google/client.js'), import('../google/auth.js')]),
);

/** An events.list answer, from the client library or a plain request: both have this shape. */
export interface ListAnswer {
  status: number;
  headers: unknown;
  data: unknown;
}

/** Whether requests must go through a proxy (gaxios, under the client library, reads these). */
function proxyConfigured(): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) =>
    Boolean(process.env[name]),
  );
}

/** Units an account may spend at once after a quiet spell (pacer.ts): an idle poll's few requests do not queue. */
const PACER_BURST_UNITS = 5;

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

/** Whether a call, by its label, only reads: a stop ends it at once (request-signals.ts). */
export function isRead(label: string): boolean {
  return label.endsWith('.list') || label.endsWith('.get');
}

/** An account's two clients, on one auth client: a stop ends their requests in flight differently. */
interface AccountClients {
  reads: Calendar;
  writes: Calendar;
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
  private readonly clients = new Map<string, AccountClients>();
  private readonly pacers = new Map<string, Pacer>();
  /** Accounts no call may go to for the rest of this poll, and why. */
  private readonly stopped = new Map<string, string>();
  private readonly failuresInARow = new Map<string, number>();
  /** Accounts the plain listing no longer serves in this poll (a 401, or no answer): the client library only. */
  private readonly noPlain = new Set<string>();
  /** Accounts whose cached token Google answered 401 to: their library client refreshes first. */
  private readonly tokenRefused = new Set<string>();
  /** Counts calls Google received (every attempt), for reports and the benchmark. */
  calls = 0;
  private units = 0;
  private unanswered = 0;
  /** Hosts every call may need: the API's, and the token endpoint's (a refresh comes first). */
  private readonly hosts: (string | undefined)[];

  constructor(
    private readonly settings: Settings,
    /** Hosts that stopped answering in this poll: no call goes to them (outage.ts). */
    readonly outage: HostOutage = new HostOutage(),
    /**
     * SIGINT, SIGTERM (cli/stop-signals.ts): every call not yet sent ends with
     * its reason, an InterruptedError; a request already sent ends as
     * request-signals.ts says (a read at once, a write after a short grace).
     */
    private readonly stopSignal?: AbortSignal,
  ) {
    this.hosts = [hostOf(settings.googleApiRoot), hostOf(settings.googleTokenUrl)];
    this.requestSignals = stopSignal ? requestSignals(stopSignal) : undefined;
  }

  /** What ends the requests in flight at a stop. */
  private readonly requestSignals: RequestSignals | undefined;

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

  /**
   * The account's client-library client for a call (`label`). Loaded on first use: an idle poll
   * lists with the cached token alone (listEvents) and never loads the library.
   */
  private async client(account: string, label: string): Promise<Calendar> {
    let c = this.clients.get(account);
    if (!c) {
      const [{ calendarWithAuth }, { loadAccountAuth }] = await loadGoogleClient();
      // Another call may have made it while the library loaded. After a plain listing's 401
      // the cached token is known bad: the client refreshes first instead of sending it again.
      c = this.clients.get(account);
      if (!c) {
        const signals = this.requestSignals;
        // A token refresh is a read: nothing is recorded of it, so a stop ends it at once.
        const auth = loadAccountAuth(this.settings, account, {
          cachedToken: !this.tokenRefused.has(account),
          ...(signals ? { signal: signals.reads } : {}),
        });
        c = {
          reads: calendarWithAuth(this.settings, auth, signals?.reads),
          writes: calendarWithAuth(this.settings, auth, signals?.writes),
        };
        this.clients.set(account, c);
      }
    }
    return isRead(label) ? c.reads : c.writes;
  }

  /**
   * One events.list page. While the account has a valid access token cached
   * by an earlier process and no client yet, it is one plain GET
   * (plain-list.ts); a 401 to it forgets that token and the client library
   * takes over (it refreshes). Else, and from then on, the client library.
   */
  listEvents(account: string, params: ListParams): Promise<ListAnswer> {
    return this.call(
      account,
      'events.list',
      (c) => c.events.list(params),
      (token) =>
        listEventsPlain(
          this.settings.googleApiRoot,
          token,
          params,
          requestTimeoutMs(),
          this.requestSignals?.reads,
        ),
    );
  }

  /**
   * The cached access token a plain request may use, if the account has no
   * client yet. Never through a proxy: the client library honours
   * HTTPS_PROXY and friends, the plain request does not, so it steps aside.
   */
  private plainToken(account: string): string | undefined {
    if (this.clients.has(account) || this.noPlain.has(account) || proxyConfigured()) return undefined;
    return cachedBearer(this.settings, account);
  }

  /** One attempt: plain when it can, else through the client library. */
  private async attempt<T>(
    account: string,
    label: string,
    fn: (client: Calendar) => Promise<T>,
    plain: ((token: string) => Promise<T>) | undefined,
    retick: () => Promise<void>,
  ): Promise<T> {
    const token = plain ? this.plainToken(account) : undefined;
    if (plain && token) {
      try {
        return await plain(token);
      } catch (err) {
        const { status } = classifyGoogleError(err);
        // No answer at all (a network the plain request cannot take, say): retried, by the library.
        if (status === undefined) this.noPlain.add(account);
        if (status !== 401) throw err;
        // Refused (revoked, or the cache outlived it): the library refreshes, then sends again.
        log.debug(`${account}: cached access token refused (401); refreshing it`);
        // Once per account: a listing refused alongside must not delete the token the library stored since.
        this.noPlain.add(account);
        if (!this.tokenRefused.has(account)) {
          this.tokenRefused.add(account);
          await forgetCachedBearer(this.settings, account);
        }
        await retick();
      }
    }
    const client = await this.client(account, label);
    // Stopped while the library loaded: gaxios sends a request whose signal is already aborted anyway.
    const stopped = interruption(this.stopSignal);
    if (stopped) throw stopped;
    return fn(client);
  }

  /** Quota units spent in this poll (every attempt Google received counts, as Google counts it). */
  get unitsUsed(): number {
    return this.units;
  }

  /** Requests that got no answer (refused, not resolved, timed out): no call and no quota unit. */
  get unansweredRequests(): number {
    return this.unanswered;
  }

  /**
   * An attempt failed before Google received its call: its token request
   * failed, or the request got no answer. Google counted nothing: neither
   * does the poll's count of calls and units, nor the account's pacer.
   */
  private notReceived(err: unknown, units: number, pacer: Pacer): void {
    // Ended by the stop (request-signals.ts), not unanswered: Google may well have received it.
    if (interruption(this.stopSignal) && classifyGoogleError(err).status === undefined) return;
    const unreached = unreachedReason(err) !== undefined;
    if (!unreached && !isTokenFailure(err)) return;
    this.calls--;
    this.units -= units;
    pacer.refund(units);
    if (unreached) this.unanswered++;
  }

  private pacer(account: string): Pacer {
    let p = this.pacers.get(account);
    if (!p) {
      p = new Pacer(
        this.settings.quotaUnitsPerSecond,
        this.settings.writeConcurrency,
        Date.now,
        PACER_BURST_UNITS,
      );
      this.pacers.set(account, p);
    }
    return p;
  }

  /**
   * One Google call for an account: paced by its quota units (derived from
   * `label`, e.g. "events.patch" costs 3), retried on retryable errors,
   * refused once the account is stopped.
   */
  async call<T>(
    account: string,
    label: string,
    fn: (client: Calendar) => Promise<T>,
    plain?: (token: string) => Promise<T>,
  ): Promise<T> {
    const units = unitsOf(label);
    const pacer = this.pacer(account);
    // The request after a refused plain one is one more request, paced and counted as such.
    const retick = async (): Promise<void> => {
      // Nothing is sent after a stop, not even a request that was waiting for its rate slot.
      await pacer.tick(units, this.stopSignal);
      const stopped = interruption(this.stopSignal);
      if (stopped) throw stopped;
      this.calls++;
      this.units += units;
    };
    try {
      // A place in the account's queue first, so time spent queueing never eats into
      // the retry budget; then every attempt waits for its own rate slot.
      const result = await pacer.run(() =>
        withRetry(
          async () => {
            const why = this.stopped.get(account);
            if (why) throw new AccountStoppedError(account, why);
            const unreachable = this.outage.refusal(this.hosts);
            if (unreachable) throw unreachable;
            await retick();
            try {
              // A body that is not the answer asked for (not JSON, not an event) fails here, not as an empty answer.
              // A 401 (an access token revoked mid-poll) is refreshed and retried once inside the client (refresh-once.ts).
              return checkAnswer(label, await this.attempt(account, label, fn, plain, retick));
            } catch (err) {
              // Only the attempt's last request can have failed unanswered: one before it got its 401.
              this.notReceived(err, units, pacer);
              throw err;
            }
          },
          // A rate-limit answer slows every request of the account, not only the one retrying.
          {
            label,
            outage: this.outage,
            onRetry: (waitMs) => pacer.backOff(Math.max(waitMs, 1000 / this.settings.quotaUnitsPerSecond)),
            ...(this.stopSignal ? { signal: this.stopSignal } : {}),
          },
        ),
      );
      this.failuresInARow.delete(account);
      return result;
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      this.noteFailure(account, err);
      // The token refresh inside the call failed for good: the account must sign in
      // again, or (a delegated account) the admin must act; the error says what.
      // A plain request refreshes no token, so its errors are never about credentials (no library to load).
      if (err instanceof PlainHttpError || err instanceof GoogleUnreachableError) throw err;
      const [, { credentialError }] = await loadGoogleClient();
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
