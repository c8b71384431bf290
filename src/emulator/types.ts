/**
 * The emulator's public types. Other modules' tests code against these exact
 * names, so rename nothing; add fields only.
 */
import type { calendar_v3 } from '@googleapis/calendar';
import type { ServiceAccountKeyJson } from './jwt-grant.js';

export type { ServiceAccountKeyJson };

export type GoogleEvent = calendar_v3.Schema$Event;

export interface StartEmulatorOptions {
  port?: number;
  host?: string;
  /** Per-user sliding-window limit; default 600 requests/minute, null = unlimited. */
  quotaPerMinute?: number | null;
}

export interface FaultRule {
  method?: string;
  /** Matched against the percent-decoded path and query, e.g. "/calendars/a@b.c/events" or "syncToken=". */
  pathIncludes?: string;
  account?: string;
  /** 0..1, default 1. */
  probability?: number;
  /** How many matching requests the rule applies to; default unlimited. */
  times?: number;
  status?: number;
  /** e.g. rateLimitExceeded, userRateLimitExceeded, backendError, quotaExceeded. */
  reason?: string;
  retryAfterSeconds?: number;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /** Delay before answering (alone: the request then proceeds normally). */
  latencyMs?: number;
  /**
   * Carry the request out at once but hold its answer this long: a write that
   * reached Google while its answer is slow (a client killed meanwhile never
   * learns that it succeeded).
   */
  answerAfterMs?: number;
}

export interface RequestLogEntry {
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  method: string;
  /** Percent-decoded path, e.g. /calendar/v3/calendars/alice@example.com/events. */
  path: string;
  query: Record<string, string | string[]>;
  account?: string;
  /** The status answered; 0 when the connection was dropped. */
  status: number;
  /** The parsed request body (JSON or form fields), when there was one. */
  body?: unknown;
}

export interface DeliveryLogEntry {
  at: number;
  channelId: string;
  calendarId: string;
  address: string;
  state: 'sync' | 'exists';
  messageNumber: number;
  /** The receiver's status, or undefined when the delivery failed at the network level. */
  status?: number;
  error?: string;
}

export interface ConsentSettings {
  mode: 'approve' | 'deny';
  /** The account that consents; default the first account added. */
  account?: string;
}

export interface AuthorizedUserJson {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

export interface CalendarOptions {
  owner: string;
  writers?: string[];
  readers?: string[];
  summary?: string;
}

export interface Emulator {
  /** e.g. "http://127.0.0.1:40123" (no trailing slash). */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  close(): Promise<void>;
  /** A user and its primary calendar (calendar id = email). Idempotent. */
  addAccount(email: string): { refreshToken: string };
  /** Token-file JSON for the account (issues a refresh token if needed). */
  authorizedUser(email: string): AuthorizedUserJson;
  /** A secondary calendar, e.g. the shared one. */
  addCalendar(id: string, opts: CalendarOptions): void;
  /** Later refreshes answer 400 invalid_grant; access tokens already issued stop working too. */
  revokeRefreshTokens(email: string): void;
  /** Access tokens already issued stop working (the client must refresh). */
  expireAccessTokens(email?: string): void;
  seedEvent(calendarId: string, event: GoogleEvent): GoogleEvent;
  updateEvent(calendarId: string, eventId: string, changes: GoogleEvent): GoogleEvent;
  cancelEvent(calendarId: string, eventId: string): void;
  getEvent(calendarId: string, eventId: string): GoogleEvent | undefined;
  listEvents(calendarId: string, opts?: { includeCancelled?: boolean }): GoogleEvent[];
  invalidateSyncTokens(calendarId?: string): void;
  injectFaults(...rules: FaultRule[]): void;
  clearFaults(): void;
  setQuota(perMinute: number | null): void;
  readonly requests: RequestLogEntry[];
  clearRequestLog(): void;
  /** Push notifications sent (or attempted), in order. */
  readonly deliveries: DeliveryLogEntry[];
  /** Resolves when every push delivery started so far has finished. */
  settleDeliveries(): Promise<void>;
  consent: ConsentSettings;
  /**
   * A new key of a service account (created on first use; default
   * calsync@calsync-emulator.iam.gserviceaccount.com): the JSON key file, whose
   * public key the token endpoint verifies JWT bearer grants with.
   */
  issueServiceAccountKey(opts?: { name?: string; project?: string }): ServiceAccountKeyJson;
  /** Keys > Delete in the Cloud console: the key's assertions fail with "Invalid JWT Signature." */
  deleteServiceAccountKey(keyId: string): void;
  /** Keys > Disable: the key's assertions fail with disabled_client. */
  disableServiceAccountKey(keyId: string): void;
  /** Admin console > Domain-wide delegation: the client id may act as the domain's users (default scope: Calendar). */
  grantDomainDelegation(domain: string, clientId: string, scopes?: string[]): void;
  /** Deletes the client id's delegation grant for the domain; new assertions answer unauthorized_client. */
  revokeDomainDelegation(domain: string, clientId: string): void;
  /** Admin console > Users > Suspend: the service account may no longer act as the user. */
  suspendUser(email: string): void;
}
