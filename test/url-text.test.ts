import { describe, expect, it } from 'vitest';
import { errorMessage, OperationError } from '../src/errors.js';
import { classifyGoogleError } from '../src/google/google-error.js';
import { safeText } from '../src/util/log.js';
import { scrubUrls, urlForMessage } from '../src/util/url-text.js';

/** URLs a message must never quote whole: tokens in the query, credentials in the userinfo. */
const HOSTILE: [string, string][] = [
  ['https://oauth2.googleapis.com/revoke?token=1%2F%2F0gSECRET', 'https://oauth2.googleapis.com/revoke'],
  [
    'https://www.googleapis.com/calendar/v3/calendars/a%40b.c/events?syncToken=CPDSECRET&pageToken=x',
    'https://www.googleapis.com/calendar/v3/calendars/a%40b.c/events',
  ],
  ['http://user:pa55word@proxy.test:3128/path', 'http://proxy.test:3128/path'],
  ['https://user@host.test/p#access_token=SECRET', 'https://host.test/p'],
  ['HTTPS://HOST.TEST/A?b=SECRET', 'https://host.test/A'],
  ['https://host.test?only=SECRET', 'https://host.test/'],
  ['https://[::1]:8080/x?k=SECRET', 'https://[::1]:8080/x'],
  // Not a URL the parser takes: cut by hand, all the same.
  ['https://us er:SECRET@bad host/x?t=SECRET', 'https://us'],
  ['http://host.test:99999/x?t=SECRET', 'http://host.test:99999/x'],
];

describe('urlForMessage: scheme, host and path, never query, fragment or userinfo', () => {
  it.each(HOSTILE)('%s', (url, shown) => {
    const out = urlForMessage(url);
    expect(out).toBe(shown);
    expect(out).not.toContain('SECRET');
    expect(out).not.toContain('pa55word');
  });

  it('hides the path too where the path is the secret (a push URL)', () => {
    expect(urlForMessage('https://kuma.test/api/push/SECRET?status=up', { path: false })).toBe(
      'https://kuma.test/[redacted]',
    );
    expect(urlForMessage(new URL('https://u:SECRET@hc.test/SECRET'), { path: false })).toBe(
      'https://hc.test/[redacted]',
    );
  });
});

describe('scrubUrls: every URL quoted in a message', () => {
  it('rewrites each URL and keeps the sentence around it', () => {
    const text =
      'request to https://oauth2.googleapis.com/revoke?token=1%2F%2FSECRET failed, reason: connect ECONNREFUSED (see http://u:SECRET@p.test/x?y=SECRET).';
    expect(scrubUrls(text)).toBe(
      'request to https://oauth2.googleapis.com/revoke failed, reason: connect ECONNREFUSED (see http://p.test/x).',
    );
  });

  it('leaves a URL with nothing to hide exactly as written', () => {
    expect(scrubUrls('listening on http://127.0.0.1:5000 (health: http://127.0.0.1:5000/health)')).toBe(
      'listening on http://127.0.0.1:5000 (health: http://127.0.0.1:5000/health)',
    );
  });

  it('leaves text without a URL alone', () => {
    expect(scrubUrls('no answer from www.googleapis.com within 20 s?')).toBe(
      'no answer from www.googleapis.com within 20 s?',
    );
  });

  it('quoted URLs in JSON and between angle brackets end at the quote', () => {
    expect(scrubUrls('{"url":"https://h.test/p?t=SECRET","n":1} <https://h.test/?a=SECRET>')).toBe(
      '{"url":"https://h.test/p","n":1} <https://h.test/>',
    );
  });
});

describe('every message about a request goes through it', () => {
  const gaxiosLike = Object.assign(
    new Error('request to https://www.googleapis.com/calendar/v3/calendars/x/events?syncToken=SECRET failed'),
    { config: { url: 'https://www.googleapis.com/calendar/v3/calendars/x/events?syncToken=SECRET' } },
  );

  it('errorMessage, typed errors, Google error classes and log lines', () => {
    expect(errorMessage(gaxiosLike)).not.toContain('SECRET');
    expect(new OperationError(`failed: ${gaxiosLike.message}`).message).not.toContain('SECRET');
    expect(classifyGoogleError(gaxiosLike).message).not.toContain('SECRET');
    expect(safeText(`at https://h.test/x?token=SECRET`)).toBe('at https://h.test/x');
  });
});
