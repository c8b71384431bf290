/**
 * A token endpoint's answer that is not a token: a captive portal or a proxy
 * answering the token refresh with 200 and a page. The client library would
 * go on to set `refresh_token` on that string and fail with a TypeError that
 * names neither the request nor the host; this check fails it first, saying
 * what came from where (a BrokenAnswerError, never retried as-is).
 */
import type { auth } from '@googleapis/calendar';
import { BrokenAnswerError } from '../errors.js';
import { notGoogleText } from './google-error.js';

type Transporter = InstanceType<typeof auth.OAuth2>['transporter'];

/** The URL without query or fragment: the token request is recognised by where it goes. */
function endpoint(url: unknown): string | undefined {
  const text = url instanceof URL ? url.href : typeof url === 'string' ? url : undefined;
  if (text === undefined || !URL.canParse(text)) return undefined;
  const parsed = new URL(text);
  return `${parsed.origin}${parsed.pathname}`;
}

/** Makes the client's token requests (to any of `tokenUrls`) fail on an answer that is not a JSON object. */
export function refuseForeignTokenAnswers(transporter: Transporter, tokenUrls: readonly string[]): void {
  const tokens = new Set(tokenUrls.map(endpoint).filter((u) => u !== undefined));
  transporter.interceptors.response.add({
    resolved: (res) => {
      const url = res.config.url;
      const where = endpoint(url);
      if (where === undefined || !tokens.has(where)) return Promise.resolve(res);
      const data: unknown = res.data;
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) return Promise.resolve(res);
      return Promise.reject(new BrokenAnswerError(notGoogleText(res.status, res.headers, url), res.status));
    },
  });
}
