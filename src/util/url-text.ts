/**
 * The one place that renders a URL for a message (an error, a log line, a
 * note in a table, a heartbeat's reason). A request's URL carries secrets in
 * its query (a sync token, a revoked refresh token, a page token) or its
 * userinfo (`https://user:password@proxy/`), and client libraries quote the
 * URL in their own messages ("request to https://…?token=… failed"): a
 * message shows scheme, host and path only, and text that quotes a URL is
 * rewritten the same way before anyone reads it.
 */

/** What stands in for a secret part of a URL. */
const HIDDEN = '[redacted]';

/**
 * `https://host/path`: no userinfo, no query, no fragment. `path: false`
 * hides the path too, for URLs whose path is the secret (an Uptime Kuma push
 * URL, a healthchecks.io ping URL).
 */
export function urlForMessage(url: string | URL, opts: { path?: boolean } = {}): string {
  let parsed: URL;
  try {
    parsed = url instanceof URL ? url : new URL(url);
  } catch {
    return roughly(String(url), opts.path !== false);
  }
  const origin = `${parsed.protocol}//${parsed.host}`;
  if (opts.path === false) return `${origin}/${HIDDEN}`;
  return `${origin}${parsed.pathname}`;
}

/**
 * A URL-valued setting as `calsync config show|get` print it: scheme, host
 * and path as set, and each secret part that is set (userinfo, query,
 * fragment) as [redacted], so a person sees that it is there without seeing it.
 */
export function urlForSetting(url: string): string {
  if (!URL.canParse(url)) return urlForMessage(url);
  const parsed = new URL(url);
  const userinfo = parsed.username || parsed.password ? `${HIDDEN}@` : '';
  const query = parsed.search ? `?${HIDDEN}` : '';
  const fragment = parsed.hash ? `#${HIDDEN}` : '';
  return `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname}${query}${fragment}`;
}

/** A URL the WHATWG parser refuses: cut its userinfo, query and fragment by hand. */
function roughly(text: string, keepPath: boolean): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#@\s]*@)?([^/?#\s]*)([^?#\s]*)/i.exec(text);
  if (!m) return text.replace(/[?#].*$/s, '');
  return `${m[1]}${m[2]}${keepPath ? m[3] : `/${HIDDEN}`}`;
}

/** A URL inside free text: a scheme, `://`, then anything up to white space or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Punctuation that ends a sentence rather than the URL it follows. */
const TRAILING = /[.,;:!)\]}]+$/;

/** Every URL quoted in `text`, rendered by urlForMessage; the rest unchanged. */
export function scrubUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (match) => {
    const tail = TRAILING.exec(match)?.[0] ?? '';
    const url = tail ? match.slice(0, -tail.length) : match;
    // Nothing to hide (no query, fragment or userinfo): left exactly as written ("listening on http://…").
    if (!/[?#@]/.test(url)) return match;
    return urlForMessage(url) + tail;
  });
}
