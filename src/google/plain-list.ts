/**
 * events.list without the client library: one GET over node:http(s) with an
 * access token an earlier process cached. An idle poll, the timer's every few
 * minutes for years, needs nothing else, and loading @googleapis/calendar
 * with google-auth-library takes about 100 ms, three times node's own start.
 * Every other call, and any listing without a valid cached token, goes
 * through the client library (client.ts).
 *
 * Answers and errors have the shape the library gives them (`status`,
 * `headers`, `data`; a failed request's `response` and `config`), so the
 * retries, the answer checks and the error classes are the same code.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The events.list parameters calsync's listings use. */
export interface ListParams {
  calendarId: string;
  singleEvents?: boolean;
  showDeleted?: boolean;
  maxResults?: number;
  syncToken?: string | undefined;
  timeMin?: string | undefined;
  pageToken?: string | undefined;
  fields?: string;
}

export interface PlainAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; the text itself when it is not JSON (the answer checks then refuse it). */
  data: unknown;
}

/** Where a failed request went and its time-out: read by the error messages (google-error.ts, retry-cause.ts). */
interface RequestConfig {
  url: string;
  timeout: number;
}

/** A non-2xx answer, shaped as the library's GaxiosError. */
export class PlainHttpError extends Error {
  constructor(
    message: string,
    readonly response: PlainAnswer,
    readonly config: RequestConfig,
  ) {
    super(message);
    this.name = 'PlainHttpError';
  }
}

/**
 * The URL the client library builds: the path is absolute, so any path in
 * the API root is dropped, as the library drops it.
 */
export function eventsListUrl(apiRoot: string, params: ListParams): URL {
  const url = new URL(`/calendar/v3/calendars/${encodeURIComponent(params.calendarId)}/events`, apiRoot);
  for (const [key, value] of Object.entries(params))
    if (key !== 'calendarId' && value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

function errorMessage(answer: PlainAnswer): string {
  const error = (answer.data as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? error.message : `HTTP ${answer.status}`;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The error an ended request rejects with: the library's (gaxios) shape for its time-out and its signal. */
function abortError(config: RequestConfig): Error {
  return Object.assign(new Error('The operation was aborted.'), { name: 'AbortError', config });
}

/**
 * One events.list request; rejects on a non-2xx answer, a network error, the
 * time-out or `signal` (a stop: the request ends at once, answered or not).
 */
export function listEventsPlain(
  apiRoot: string,
  accessToken: string,
  params: ListParams,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PlainAnswer> {
  const url = eventsListUrl(apiRoot, params);
  const config: RequestConfig = { url: url.href, timeout: timeoutMs };
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  if (signal?.aborted) return Promise.reject(abortError(config));
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let ended = false;
        const fail = (err: Error) => {
          settle();
          reject(Object.assign(err, { config }));
        };
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        // A connection cut in the middle of the body: a network error (retried), never a short answer.
        res.on('close', () => {
          if (!ended) fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => {
          ended = true;
          settle();
          const answer: PlainAnswer = {
            status: res.statusCode ?? 0,
            headers: res.headers,
            data: parseBody(Buffer.concat(chunks).toString('utf8')),
          };
          if (answer.status >= 200 && answer.status < 300) resolve(answer);
          else reject(new PlainHttpError(errorMessage(answer), answer, config));
        });
      },
    );
    // The whole request, not each socket read, as the library's time-out.
    const end = () => req.destroy(abortError(config));
    const timer = setTimeout(end, timeoutMs);
    signal?.addEventListener('abort', end, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
    };
    req.on('error', (err) => {
      settle();
      reject(Object.assign(err, { config }));
    });
    req.end();
  });
}
