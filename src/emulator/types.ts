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
  /** Per-user sliding-window limit in quota units; default 600 units/minute, null = unlimited. */
  quotaPerMinute?: number | null;
  /** Default `restorable`. */
  deletedEvents?: DeletedEventsMode;
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
  /**
   * The error's `message`. Google's messages quote request data (an invalid
   * value, an id), so tests use it to send text calsync must not print raw.
   */
  message?: string;
  /**
   * Expire the access tokens of the request's account (not its refresh token)
   * before handling it: a token revoked mid-poll, e.g. by a password change or
   * a security event. This request and later ones with the old token get 401
   * "Invalid Credentials"; a refresh gets a new token that works.
   */
  revokeAccessToken?: boolean;
  retryAfterSeconds?: number;
  /** Destroy the socket without an answer. */
  drop?: boolean;
  /**
   * Never answer, and do nothing: a host that accepts the request and then
   * hangs. The connection stays open until the client gives up or the
   * emulator closes. (A write carried out whose answer never comes is
   * `answerAfterMs` with a long delay.)
   */
  hang?: boolean;
  /** Delay before answering (alone: the request then proceeds normally). */
  latencyMs?: number;
  /**
   * Carry the request out at once but hold its answer this long: a write that
   * reached Google while its answer is slow (a client killed meanwhile never
   * learns that it succeeded).
   */
  answerAfterMs?: number;
  /**
   * Answer with this JSON instead (status `status`, default 200): a listing
   * or event of the wrong shape, as a broken proxy or a changed API would send.
   */
  json?: unknown;
  /** Answer with this text instead (status default 200, `contentType` default text/html): a captive portal, a cut-off body. */
  rawBody?: string;
  contentType?: string;
  /**
   * Answer an events.list with an empty page whose nextPageToken never ends:
   * 'repeat' gives the same token every time, 'fresh' a new one every page.
   */
  endlessPages?: 'repeat' | 'fresh';
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
  /** Quota units the Calendar API request cost (events.patch 3, others 1); absent for OAuth and unrouted requests. */
  units?: number;
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
  /** The account that consents, whatever login_hint asks for; default the hinted account, else the first added. */
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
  /**
   * Accounts that added the calendar to their calendar list (the owner always has it).
   * Access through the ACL alone shows no calendarList entry: calendarList.get answers 404.
   */
  listedBy?: string[];
  /** "Add invitations to my calendar": everyone (default), knownSenders or whenResponded. */
  addInvitations?: 'everyone' | 'knownSenders' | 'whenResponded';
  /** Addresses the calendar knows (its owner's contacts), for knownSenders. */
  knownSenders?: string[];
}

/**
 * Whether an event deleted (cancelled) can be brought back by an update or
 * patch: `restorable` (default), or `burnt`, where those answer 403 as
 * reported for events deleted in the UI. Re-inserting a deleted id is 409 in both.
 */
export type DeletedEventsMode = 'restorable' | 'burnt';

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
  /** Changes a calendar's "Add invitations to my calendar" setting (and adds known senders). */
  setInvitationSetting(
    calendarId: string,
    setting: 'everyone' | 'knownSenders' | 'whenResponded',
    knownSenders?: string[],
  ): void;
  /**
   * The invitee answers the invitation email of an organizer's event: its
   * response is recorded on the organizer's event, and an accepted or tentative
   * answer puts the event on its calendar whatever the setting.
   */
  respondToInvitation(
    inviteeCalendarId: string,
    organizerCalendarId: string,
    eventId: string,
    response: 'accepted' | 'tentative' | 'declined',
  ): void;
  deletedEvents: DeletedEventsMode;
  /** Later refreshes answer 400 invalid_grant; access tokens already issued stop working too. */
  revokeRefreshTokens(email: string): void;
  /** Access tokens already issued stop working (the client must refresh). */
  expireAccessTokens(email?: string): void;
  seedEvent(calendarId: string, event: GoogleEvent): GoogleEvent;
  updateEvent(calendarId: string, eventId: string, changes: GoogleEvent): GoogleEvent;
  cancelEvent(calendarId: string, eventId: string): void;
  /**
   * A person hands a meeting to another organizer (Google Calendar's "Change
   * owner"): this calendar's copy of it names the new organizer from now on.
   */
  changeOrganizer(calendarId: string, eventId: string, organizerEmail: string): GoogleEvent;
  getEvent(calendarId: string, eventId: string): GoogleEvent | undefined;
  listEvents(calendarId: string, opts?: { includeCancelled?: boolean }): GoogleEvent[];
  invalidateSyncTokens(calendarId?: string): void;
  injectFaults(...rules: FaultRule[]): void;
  clearFaults(): void;
  setQuota(perMinute: number | null): void;
  /**
   * Google's clock as the answers' Date header tells it, this many ms from the
   * process's own (a client clock that is off is the same seen from the client).
   */
  setClockSkew(ms: number): void;
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
  /**
   * Keys > Delete in the Cloud console: the key's assertions fail with "Invalid JWT Signature."
   * Access tokens it already got keep working until they expire, as Google documents.
   */
  deleteServiceAccountKey(keyId: string): void;
  /** Keys > Disable: the key's assertions fail with disabled_client. */
  disableServiceAccountKey(keyId: string): void;
  /** Admin console > Domain-wide delegation: the client id may act as the domain's users (default scope: Calendar). */
  grantDomainDelegation(domain: string, clientId: string, scopes?: string[]): void;
  /**
   * Deletes the client id's delegation grant for the domain; new assertions answer
   * unauthorized_client. Access tokens already issued keep working until they expire
   * (the harsh case: only a check of the grant, health-check's, sees it at once).
   */
  revokeDomainDelegation(domain: string, clientId: string): void;
  /** Admin console > Users > Suspend: the service account may no longer act as the user; its tokens answer 401. */
  suspendUser(email: string): void;
}
