/**
 * Google's JSON error bodies, as the Calendar API and the OAuth token endpoint
 * send them (https://developers.google.com/workspace/calendar/api/guides/errors).
 */

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  location?: string;
  locationType?: string;
}

/** Thrown by handlers; the router turns it into Google's error body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly domain = 'global',
    readonly extra: {
      location?: string;
      locationType?: string;
      status?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
  }

  body(): unknown {
    const item: GoogleErrorItem = { domain: this.domain, reason: this.reason, message: this.message };
    if (this.extra.location !== undefined) item.location = this.extra.location;
    if (this.extra.locationType !== undefined) item.locationType = this.extra.locationType;
    const error: Record<string, unknown> = { code: this.code, message: this.message, errors: [item] };
    if (this.extra.status !== undefined) error.status = this.extra.status;
    return { error };
  }
}

/** The OAuth endpoints answer in RFC 6749's shape, not the API's. */
export class OAuthError extends Error {
  constructor(
    readonly code: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }

  body(): unknown {
    return { error: this.error, error_description: this.description };
  }
}

export const errors = {
  notFound: () => new ApiError(404, 'notFound', 'Not Found'),
  loginRequired: () =>
    new ApiError(401, 'required', 'Login Required.', 'global', {
      location: 'Authorization',
      locationType: 'header',
      status: 'UNAUTHENTICATED',
    }),
  invalidCredentials: () =>
    new ApiError(401, 'authError', 'Invalid Credentials', 'global', {
      location: 'Authorization',
      locationType: 'header',
      status: 'UNAUTHENTICATED',
    }),
  writerAccess: () =>
    new ApiError(403, 'requiredAccessLevel', 'You need to have writer access to this calendar.'),
  fullSyncRequired: () =>
    new ApiError(
      410,
      'fullSyncRequired',
      'Sync token is no longer valid, a full sync is required.',
      'calendar',
      {
        location: 'syncToken',
        locationType: 'parameter',
      },
    ),
  /** An If-Match etag that is no longer the event's ("Get specific versions of resources" guide). */
  conditionNotMet: () =>
    new ApiError(412, 'conditionNotMet', 'Precondition Failed', 'global', {
      location: 'If-Match',
      locationType: 'header',
    }),
  deleted: () => new ApiError(410, 'deleted', 'Resource has been deleted'),
  duplicate: () => new ApiError(409, 'duplicate', 'The requested identifier already exists.'),
  invalidId: () => new ApiError(400, 'invalid', 'Invalid resource id value.'),
  invalid: (message: string, location?: string) =>
    new ApiError(
      400,
      'invalid',
      message,
      'global',
      location === undefined ? {} : { location, locationType: 'parameter' },
    ),
  badRequest: (message: string) => new ApiError(400, 'badRequest', message),
  required: (message: string) => new ApiError(400, 'required', message),
  parseError: () => new ApiError(400, 'parseError', 'Parse Error'),
  tooLarge: () => new ApiError(413, 'uploadTooLarge', 'Request Entity Too Large'),
  /** An update of an event deleted in the UI (reported against Google's client libraries). */
  forbidden: () => new ApiError(403, 'forbidden', 'Forbidden'),
  userRateLimit: () => new ApiError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits'),
  forbiddenForNonOrganizer: () =>
    new ApiError(
      403,
      'forbiddenForNonOrganizer',
      'Shared properties can only be changed by the organizer of the event.',
      'calendar',
    ),
  eventTypeRestriction: (eventType: string) =>
    new ApiError(
      400,
      'eventTypeRestriction',
      `Attempt made to modify '${eventType}' event in a way that is not valid for this event type.`,
      'calendar',
    ),
  eventTypeCreate: (message: string) => new ApiError(400, 'eventTypeRestriction', message, 'calendar'),
  timeRangeEmpty: () => new ApiError(400, 'timeRangeEmpty', 'The specified time range is empty.', 'calendar'),
  invalidGrant: () => new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.'),
};

/** The body Google sends for a scripted fault, by reason (or by status when no reason is given). */
export function faultError(
  status: number,
  reason: string | undefined,
  retryAfterSeconds?: number,
  message?: string,
): ApiError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  const known: Record<string, { domain: string; message: string }> = {
    rateLimitExceeded: { domain: 'usageLimits', message: 'Rate Limit Exceeded' },
    userRateLimitExceeded: { domain: 'usageLimits', message: 'User Rate Limit Exceeded' },
    quotaExceeded: { domain: 'usageLimits', message: 'Calendar usage limits exceeded.' },
    backendError: { domain: 'global', message: 'Backend Error' },
  };
  const chosen = reason ?? defaultReason(status);
  const info = known[chosen] ?? { domain: 'global', message: chosen };
  return new ApiError(status, chosen, message ?? info.message, info.domain, { headers });
}

function defaultReason(status: number): string {
  if (status === 429 || status === 403) return 'rateLimitExceeded';
  if (status >= 500) return 'backendError';
  if (status === 404) return 'notFound';
  if (status === 410) return 'deleted';
  return 'badRequest';
}
