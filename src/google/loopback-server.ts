/**
 * The local HTTP server the browser is redirected to at the end of Google's
 * consent screen (the OAuth loopback flow for installed apps). It listens on
 * 127.0.0.1 only, takes exactly one answer on its callback path, checks the
 * `state` it was started with, and shows the browser a short page.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, OperationError } from '../errors.js';
import { log, registerSecret } from '../util/log.js';
import type { LoopbackRedirect } from './client-secrets.js';

export interface LoopbackServer {
  /** The port actually listened on (the chosen one when 0 was asked for). */
  readonly port: number;
  /** The exact redirect_uri to send in the auth URL and the code exchange. */
  readonly redirectUri: string;
  /** The authorization code; rejects with an AuthError (denied, state mismatch, timeout). */
  readonly code: Promise<string>;
  /**
   * The page the browser that brought the code is shown: held until the
   * sign-in is done (code exchanged, account checked), so it tells the truth.
   */
  answer(page: LoopbackPage): void;
  /** Closes the server; a browser still waiting for its page is told to look at the terminal. */
  close(): Promise<void>;
}

export interface LoopbackPage {
  status: number;
  title: string;
  text: string;
}

export interface LoopbackOptions {
  account: string;
  redirect: LoopbackRedirect;
  /** The random value the auth URL carries; any other value is refused (CSRF). */
  state: string;
  timeoutMs: number;
}

export async function startLoopbackServer(opts: LoopbackOptions): Promise<LoopbackServer> {
  let settle: { resolve: (code: string) => void; reject: (err: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller awaits `code` only after printing the URL; never an unhandled rejection meanwhile.
  code.catch(() => undefined);
  let done = false;
  /** The browser that brought the code, waiting for the outcome's page. */
  let held: ServerResponse | undefined;
  const finish = (outcome: { code: string } | { error: Error }): void => {
    if (done) return;
    done = true;
    if ('code' in outcome) settle?.resolve(outcome.code);
    else settle?.reject(outcome.error);
  };

  const server = createServer((req, res) => {
    const outcome = handleRequest(req, opts);
    if (outcome === 'ignore') {
      // favicon.ico and friends: not an answer to the sign-in.
      reply(res, 404, 'Not found', 'calsync is waiting for the Google sign-in on another path.');
      return;
    }
    if (outcome === 'foreign') {
      // Not this sign-in's answer (an old tab, or a forgery): refused, and the real one may still come.
      log.warn(
        'the browser sent an answer with a state that does not match this sign-in (an old tab, or a forgery); still waiting for the real one',
      );
      reply(
        res,
        400,
        'Not this sign-in',
        'This answer carries a state that does not match the sign-in calsync is waiting for. Open the URL calsync printed last.',
      );
      return;
    }
    if (done) {
      reply(res, 409, 'Already answered', 'This sign-in has already been answered; look at the terminal.');
      return;
    }
    if ('code' in outcome) {
      // The page waits for the code exchange and the account check: it must not say "signed in" before.
      held = res;
    } else {
      reply(res, 400, 'Sign-in failed', `calsync could not sign in: ${outcome.error.message}`);
    }
    finish(outcome);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE' ? 'is in use' : `cannot be listened on (${err.code ?? err.message})`;
      reject(
        new OperationError(`port ${opts.redirect.port} on 127.0.0.1 ${why}`, {
          hint: opts.redirect.fixedPort ? 'stop what uses it, or pick another with --port' : undefined,
        }),
      );
    });
    server.listen(opts.redirect.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://${opts.redirect.host}:${port}${opts.redirect.path}`;
  log.debug('waiting for the browser', { redirectUri });

  const timer = setTimeout(() => {
    finish({
      error: new AuthError(
        opts.account,
        `no answer from the browser within ${describeMs(opts.timeoutMs)}; no token was saved`,
        {
          hint: 'run calsync auth again and open the printed URL (on a headless server, start the ssh -L forward first)',
        },
      ),
    });
  }, opts.timeoutMs);
  timer.unref();

  const answer = (page: LoopbackPage): void => {
    const res = held;
    held = undefined;
    if (res) reply(res, page.status, page.title, page.text);
  };
  return {
    port,
    redirectUri,
    code,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        answer({
          status: 500,
          title: 'Sign-in not finished',
          text: 'calsync stopped before it finished the sign-in. Look at the terminal.',
        });
        clearTimeout(timer);
        server.close(() => resolve());
        // Browsers keep connections alive; without this close() waits for them.
        server.closeAllConnections();
      }),
  };
}

function handleRequest(
  req: IncomingMessage,
  opts: LoopbackOptions,
): 'ignore' | 'foreign' | { code: string } | { error: AuthError } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' || url.pathname !== opts.redirect.path) return 'ignore';
  const q = url.searchParams;
  // A request without any OAuth parameter (a reload, a probe) is not an answer either.
  if (!q.has('code') && !q.has('error') && !q.has('state')) return 'ignore';
  const account = opts.account;
  // The state first: only the browser that Google sent back may end the sign-in, even with an error.
  if (q.get('state') !== opts.state) return 'foreign';
  const error = q.get('error');
  if (error !== null) {
    const safe = error.replace(/[^\w.-]/g, '').slice(0, 64) || 'unknown';
    const message =
      safe === 'access_denied'
        ? 'access was denied on the Google consent screen (access_denied); no token was saved'
        : `Google refused the sign-in (${safe}); no token was saved`;
    return { error: new AuthError(account, message) };
  }
  const code = q.get('code');
  if (!code)
    return {
      error: new AuthError(
        account,
        'the browser came back without an authorization code; no token was saved',
      ),
    };
  registerSecret(code);
  return { code };
}

function reply(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>calsync: ${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "5 minutes", "90 s", "300 ms": for messages about the wait. */
export function describeMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms >= 1000) return `${Math.round(ms / 1000)} s`;
  return `${ms} ms`;
}
