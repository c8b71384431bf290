/**
 * "Google is unreachable" as one outage, not one slow failure per request.
 * Refused connections, names that do not resolve and requests that time out
 * against one host say the same thing: nothing there answers. Each request
 * would otherwise retry on its own for up to two minutes, calendar after
 * calendar, while the state lock is held and the next timer waits.
 *
 * A run (one poll, one purge, one `auth --remove`) keeps one HostOutage.
 * After UNREACHABLE_AFTER such failures in a row against a host (a time-out
 * counts TIMEOUT_WEIGHT), with no answer from it in between, spread over at
 * least MIN_STREAK_MS, the host is down for the rest of the run: requests
 * for it fail at once with a GoogleUnreachableError naming the host and the
 * network error. Any answer (a 500 or a 429 too) is an answer: the host is
 * up, and the ordinary retries deal with it. Resets and cut answers are not
 * counted: the host was reached.
 *
 * "In between" is by the time a failed request was sent, not the time its
 * failure came: a request that waited out its time-out while the host
 * answered others (a connection that hung once, its neighbours fine) says
 * nothing about the host, however late its time-out ends.
 */
import { GoogleUnreachableError } from '../errors.js';
import { log } from '../util/log.js';
import { isAbort, networkCode } from './google-error.js';
import { requestHost } from './retry-cause.js';
import { isTokenFailure, TOKEN_REQUEST } from './token-request.js';

/**
 * Failures in a row before a host is down. One is a blip the retry absorbs;
 * three in a row (the first retries come 0.5 s and 1 s apart, and calendars
 * are listed side by side) leave little doubt, and cost at most three
 * request time-outs at once against a host that accepts and never answers.
 */
export const UNREACHABLE_AFTER = 3;

/**
 * Three requests sent at the same instant can fail together from one short
 * hiccup (a DNS server restarting): the streak must also span this long,
 * from the first failed request's sending to the last failure.
 */
export const MIN_STREAK_MS = 2_000;

/**
 * What a request that waited out a whole time-out counts for. It is not an
 * instant's hiccup but seconds of silence (20 s in production), so two of
 * them (a poll of one calendar lists it and the shared calendar side by
 * side) end the host without a third request's time-out more: a poll then
 * ends in one request time-out, not two. One alone does not: a connection a
 * router forgot can hang one request while the host answers the next.
 */
export const TIMEOUT_WEIGHT = UNREACHABLE_AFTER - 1;

/** Codes that mean a time-out: the host stayed silent (as opposed to refusing at once). */
const SILENT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Codes that mean the host was not reached at all (as opposed to ECONNRESET: reached, then cut). */
const UNREACHED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Why a failed request got no answer from its host, or undefined when it did get one (or was cut). */
export function unreachedReason(err: unknown): string | undefined {
  const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
  if (typeof status === 'number') return undefined;
  const code = networkCode(err);
  if (code !== undefined) return UNREACHED.has(code) ? code : undefined;
  if (isTimeout(err)) {
    const timeout = err.config?.timeout;
    return typeof timeout === 'number' && timeout > 0
      ? `no answer within ${Math.round(timeout / 100) / 10} s`
      : 'no answer (request time-out)';
  }
  return undefined;
}

/**
 * The request's time-out ended it, or the connection's did. calsync aborts
 * requests for one other reason, a stop (request-signals.ts), and withRetry
 * keeps those from the outage.
 */
function isTimeout(err: unknown): err is { config?: { timeout?: unknown } } {
  const code = networkCode(err);
  if (code !== undefined) return SILENT.has(code);
  return typeof err === 'object' && err !== null && isAbort(err);
}

interface Streak {
  /** Failed requests in a row. */
  requests: number;
  /** What they count for: a time-out counts TIMEOUT_WEIGHT. */
  weight: number;
  /** When the streak's first failed request was sent. */
  since: number;
}

export class HostOutage {
  private readonly streaks = new Map<string, Streak>();
  private readonly down = new Map<string, GoogleUnreachableError>();
  /** When the last call answered; its host is not known, so it counts for every host (as its reset does). */
  private answeredAt = Number.NEGATIVE_INFINITY;
  /** When each host last answered a failed request (an error status), or was reached before the connection was cut. */
  private readonly reachedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The error to fail with instead of sending to any of these hosts, when one of them is down. */
  refusal(hosts: Iterable<string | undefined>): GoogleUnreachableError | undefined {
    for (const host of hosts) {
      const err = host === undefined ? undefined : this.down.get(host);
      if (err) return err;
    }
    return undefined;
  }

  /** Hosts found down so far. */
  get downHosts(): string[] {
    return [...this.down.keys()];
  }

  /**
   * A request answered (any status): the network works, every streak starts
   * over, and a request sent before now that fails unanswered is not counted.
   */
  noteAnswer(): void {
    this.streaks.clear();
    this.answeredAt = this.now();
  }

  /**
   * A request sent at `sentAt` failed with `err`. Returns the host's
   * GoogleUnreachableError when this failure makes (or found) it down.
   */
  noteFailure(err: unknown, sentAt: number): GoogleUnreachableError | undefined {
    if (err instanceof GoogleUnreachableError) return err;
    const host = requestHost(err);
    if (host === undefined) return undefined;
    const reason = unreachedReason(err);
    if (reason === undefined) {
      // The host answered (or was reached): whatever comes next, it is not unreachable.
      this.streaks.delete(host);
      this.reachedAt.set(host, this.now());
      return undefined;
    }
    const known = this.down.get(host);
    if (known) return known;
    // The host answered while this request waited: only this request (its connection) went unanswered.
    if (sentAt <= Math.max(this.answeredAt, this.reachedAt.get(host) ?? Number.NEGATIVE_INFINITY))
      return undefined;
    const streak = this.streaks.get(host) ?? { requests: 0, weight: 0, since: sentAt };
    streak.requests++;
    streak.weight += isTimeout(err) ? TIMEOUT_WEIGHT : 1;
    streak.since = Math.min(streak.since, sentAt);
    this.streaks.set(host, streak);
    if (streak.weight < UNREACHABLE_AFTER || this.now() - streak.since < MIN_STREAK_MS) return undefined;
    return this.declareDown(host, reason, `${streak.requests} requests in a row`, err);
  }

  /**
   * A call gave up with `err` after spending every retry. When it never reached
   * its host, that host is down, however short the streak was (retries can be
   * quicker than the streak's minimum span): the caller fails with the
   * host's GoogleUnreachableError, and no other call tries it again.
   */
  giveUp(err: unknown): GoogleUnreachableError | undefined {
    if (err instanceof GoogleUnreachableError) return err;
    const host = requestHost(err);
    const reason = unreachedReason(err);
    if (host === undefined || reason === undefined) return undefined;
    return this.down.get(host) ?? this.declareDown(host, reason, 'every retry of a call', err);
  }

  private declareDown(host: string, reason: string, why: string, err: unknown): GoogleUnreachableError {
    // The token endpoint's host is not the API's: say which request found it down.
    const request = isTokenFailure(err) ? TOKEN_REQUEST : undefined;
    const down = new GoogleUnreachableError(host, reason, request);
    this.down.set(host, down);
    log.warn(
      `Google unreachable: ${host}: ${reason} (${request ? `${request}, ` : ''}${why}); nothing more is sent there in this run`,
    );
    return down;
  }
}

/** The host of a configured URL (the API root, the token URL), if it parses. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
