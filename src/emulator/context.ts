/** What a route handler receives and returns. */
export interface RequestContext {
  /** The account the bearer token identifies (handlers behind auth only). */
  account: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Path parameters, decoded. */
  params: string[];
  /** The `If-Match` request header (an etag), when sent. */
  ifMatch?: string | undefined;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
