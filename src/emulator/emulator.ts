/** startEmulator(): wires the store, OAuth, push, faults and quota to one HTTP server. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyPatch, renderEvent } from './event-model.js';
import { EventService } from './event-service.js';
import { FaultInjector, UserQuota } from './faults.js';
import { JwtGrant } from './jwt-grant.js';
import { CALENDAR_SCOPE, OAuthServer } from './oauth.js';
import { PushService } from './push.js';
import { createRequestHandler } from './server.js';
import { Store } from './store.js';
import type {
  CalendarOptions,
  ConsentSettings,
  Emulator,
  FaultRule,
  GoogleEvent,
  RequestLogEntry,
  StartEmulatorOptions,
} from './types.js';

const DEFAULT_QUOTA_PER_MINUTE = 600;

export async function startEmulator(opts: StartEmulatorOptions = {}): Promise<Emulator> {
  const store = new Store();
  store.deletedEvents = opts.deletedEvents ?? 'restorable';
  let baseUrl = '';
  const service = new EventService(store, () => baseUrl);
  const oauth = new OAuthServer();
  const jwtGrant = new JwtGrant(
    (email) => store.hasAccount(email),
    () => `${baseUrl}/token`,
  );
  oauth.jwtBearer = jwtGrant;
  const push = new PushService(store, () => baseUrl);
  const faults = new FaultInjector();
  const quota = new UserQuota(
    opts.quotaPerMinute === undefined ? DEFAULT_QUOTA_PER_MINUTE : opts.quotaPerMinute,
  );
  const requests: RequestLogEntry[] = [];
  let consent: ConsentSettings = { mode: 'approve' };
  let clockSkewMs = 0;

  const server = createServer(
    createRequestHandler({
      store,
      service,
      oauth,
      push,
      faults,
      quota,
      requests,
      consent: () => consent,
      clockSkewMs: () => clockSkewMs,
    }),
  );
  // Keep-alive sockets must not hold close() up.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const found = (calendarId: string, eventId: string) => {
    const cal = store.calendar(calendarId);
    const event = service.find(cal, eventId);
    if (!event) throw new Error(`emulator: no event ${eventId} in ${calendarId}`);
    return { cal, event };
  };

  const emulator: Emulator = {
    url: baseUrl,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    async close() {
      push.close();
      await push.settle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    addAccount(email) {
      store.addAccount(email);
      return { refreshToken: oauth.refreshTokenOf(email) ?? oauth.issueRefreshToken(email) };
    },
    authorizedUser(email) {
      store.addAccount(email);
      const refreshToken = oauth.refreshTokenOf(email) ?? oauth.issueRefreshToken(email);
      return {
        type: 'authorized_user',
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        refresh_token: refreshToken,
      };
    },
    addCalendar(id: string, o: CalendarOptions) {
      store.createCalendar(id, o);
    },
    setInvitationSetting(calendarId, setting, knownSenders = []) {
      const cal = store.calendar(calendarId);
      cal.addInvitations = setting;
      for (const k of knownSenders) cal.knownSenders.add(k.toLowerCase());
    },
    respondToInvitation(inviteeCalendarId, organizerCalendarId, eventId, response) {
      const { cal, event } = found(organizerCalendarId, eventId);
      const stored = cal.events.get(eventId);
      if (!stored) throw new Error(`emulator: no stored event ${eventId} in ${organizerCalendarId}`);
      if (response !== 'declined') stored.respondedCalendars.add(inviteeCalendarId);
      const attendees = (event.attendees ?? []).map((a) =>
        a.email === inviteeCalendarId ? { ...a, responseStatus: response } : a,
      );
      service.save(cal, { ...event, attendees });
    },
    get deletedEvents() {
      return store.deletedEvents;
    },
    set deletedEvents(mode) {
      store.deletedEvents = mode;
    },
    revokeRefreshTokens(email) {
      oauth.revoke(email);
    },
    expireAccessTokens(email) {
      oauth.expireAccessTokens(email);
    },
    seedEvent(calendarId, event) {
      const cal = store.calendar(calendarId);
      const stored = service.create(cal, event, event.creator?.email ?? cal.owner);
      return renderEvent(stored.event, cal.id);
    },
    updateEvent(calendarId, eventId, changes: GoogleEvent) {
      const { cal, event } = found(calendarId, eventId);
      // A person setting a time in the UI sets it whole (timed or all-day), unlike an API patch.
      const { start: _start, end: _end, ...kept } = event;
      const base = {
        ...kept,
        ...(changes.start ? {} : { start: event.start }),
        ...(changes.end ? {} : { end: event.end }),
      };
      const stored = service.save(cal, applyPatch(base, changes as Record<string, unknown>));
      return renderEvent(stored.event, cal.id);
    },
    changeOrganizer(calendarId, eventId, organizerEmail) {
      const { cal, event } = found(calendarId, eventId);
      const stored = service.save(cal, { ...event, organizer: { email: organizerEmail } });
      return renderEvent(stored.event, cal.id);
    },
    cancelEvent(calendarId, eventId) {
      const { cal, event } = found(calendarId, eventId);
      service.save(cal, { ...event, status: 'cancelled' });
    },
    getEvent(calendarId, eventId) {
      const cal = store.calendar(calendarId);
      const event = cal.events.get(eventId)?.event;
      return event ? renderEvent(event, cal.id) : undefined;
    },
    listEvents(calendarId, o) {
      const cal = store.calendar(calendarId);
      return [...cal.events.values()]
        .sort((a, b) => a.createdSeq - b.createdSeq)
        .filter((s) => o?.includeCancelled === true || s.event.status !== 'cancelled')
        .map((s) => renderEvent(s.event, cal.id));
    },
    invalidateSyncTokens(calendarId) {
      store.invalidateSyncTokens(calendarId);
    },
    injectFaults(...rules: FaultRule[]) {
      faults.add(rules);
    },
    clearFaults() {
      faults.clear();
    },
    setQuota(perMinute) {
      quota.set(perMinute);
    },
    setClockSkew(ms) {
      clockSkewMs = ms;
    },
    requests,
    clearRequestLog() {
      requests.length = 0;
    },
    deliveries: push.deliveries,
    settleDeliveries: () => push.settle(),
    get consent() {
      return consent;
    },
    set consent(value: ConsentSettings) {
      consent = value;
    },
    issueServiceAccountKey: (o) => jwtGrant.issueKey(o),
    deleteServiceAccountKey: (keyId) => jwtGrant.deleteKey(keyId),
    disableServiceAccountKey: (keyId) => jwtGrant.disableKey(keyId),
    grantDomainDelegation: (domain, clientId, scopes) =>
      jwtGrant.grant(domain, clientId, scopes ?? [CALENDAR_SCOPE]),
    revokeDomainDelegation: (domain, clientId) => jwtGrant.revoke(domain, clientId),
    suspendUser: (email) => {
      jwtGrant.suspend(email);
      // A suspended user's sessions end: its access tokens answer 401 from now on.
      oauth.expireAccessTokens(email);
    },
  };
  return emulator;
}
