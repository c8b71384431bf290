/**
 * The words of a failed token refresh (failure-text.ts), from the error
 * objects gaxios makes: which request failed, at which host, and what
 * answered; and URL settings as config show prints them (url-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { BrokenAnswerError } from '../src/errors.js';
import {
  googleFailureText,
  notGoogleHint,
  tokenProblem,
  TOKEN_NOT_GOOGLE_HINT,
  NOT_GOOGLE_HINT,
} from '../src/google/failure-text.js';
import { classifyGoogleError } from '../src/google/google-error.js';
import { markTokenFailure } from '../src/google/token-request.js';
import { urlForSetting } from '../src/util/url-text.js';

const TOKEN_URL = 'https://oauth2.example/token';

/** What gaxios throws for an error answer. */
function answer(status: number, type: string, data: unknown, url = TOKEN_URL) {
  return {
    message: typeof data === 'string' ? data : 'internal_failure',
    config: { url },
    response: { status, data, headers: new Headers({ 'content-type': type }) },
  };
}

describe('googleFailureText', () => {
  it("a token refresh's 500 names the refresh and the host", () => {
    const err = markTokenFailure(answer(500, 'application/json', { error: 'internal_failure' }));
    expect(googleFailureText(err, TOKEN_URL)).toBe('token refresh at oauth2.example: 500 internal_failure');
  });

  it("the same 500 from the Calendar call is Google's status and message alone", () => {
    const err = answer(500, 'application/json', { error: { status: 'INTERNAL', message: 'Backend Error' } });
    expect(googleFailureText(err, TOKEN_URL)).toBe('500 Backend Error');
  });

  it('a page from the token endpoint: what came from where, and the googleTokenUrl hint', () => {
    const err = markTokenFailure(answer(502, 'text/html', '<html>Bad Gateway</html>'));
    const info = classifyGoogleError(err);
    expect(googleFailureText(err, TOKEN_URL, info)).toBe(
      "token refresh at oauth2.example: an answer that is not Google's: HTTP 502 (text/html) from https://oauth2.example/token",
    );
    expect(notGoogleHint(err, info)).toBe(TOKEN_NOT_GOOGLE_HINT);
    const api = answer(404, 'text/html', '<html/>', 'https://proxy.example/calendar/v3/x');
    expect(notGoogleHint(api, classifyGoogleError(api))).toBe(NOT_GOOGLE_HINT);
  });

  it('a broken answer carries no URL: the host comes from the token URL setting', () => {
    const err = markTokenFailure(
      new BrokenAnswerError("an answer that is not Google's: HTTP 200 (text/html)", 200),
    );
    expect(googleFailureText(err, TOKEN_URL)).toBe(
      "token refresh at oauth2.example: an answer that is not Google's: HTTP 200 (text/html)",
    );
    expect(notGoogleHint(err, classifyGoogleError(err))).toBe(TOKEN_NOT_GOOGLE_HINT);
  });
});

describe('tokenProblem: what the token endpoint did', () => {
  it('answered with an error: says so, with the status and message', () => {
    expect(tokenProblem(answer(500, 'application/json', { error: 'internal_failure' }), TOKEN_URL)).toEqual({
      answered: true,
      foreign: false,
      text: 'the OAuth token endpoint oauth2.example answered the token refresh with 500 internal_failure',
    });
  });

  it('answered with a page: not Google, to be checked', () => {
    expect(tokenProblem(answer(404, 'text/html', '<html/>'), TOKEN_URL)).toEqual({
      answered: true,
      foreign: true,
      text: "the token refresh at oauth2.example got an answer that is not Google's: HTTP 404 (text/html) from https://oauth2.example/token",
    });
  });

  it('no answer: could not reach it, with the network error', () => {
    const err = { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', config: { url: TOKEN_URL } };
    expect(tokenProblem(err, TOKEN_URL)).toEqual({
      answered: false,
      foreign: false,
      text: 'could not reach the OAuth token endpoint oauth2.example to refresh the token (connect ECONNREFUSED)',
    });
  });
});

describe('urlForSetting', () => {
  it('marks each secret part that is set, and nothing else', () => {
    expect(urlForSetting('https://u:p@h.example:8443/a/b?k=v#f')).toBe(
      'https://[redacted]@h.example:8443/a/b?[redacted]#[redacted]',
    );
    expect(urlForSetting('https://onlyuser@h.example/')).toBe('https://[redacted]@h.example/');
    expect(urlForSetting('https://www.googleapis.com/')).toBe('https://www.googleapis.com/');
  });

  it('a URL the parser refuses loses its userinfo and query all the same', () => {
    expect(urlForSetting('https://u:p@exa mple/x?k=v')).not.toMatch(/u:p|k=v/);
  });
});
