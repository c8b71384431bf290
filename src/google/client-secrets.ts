/**
 * The OAuth client file downloaded from the Google Cloud console:
 * `{"installed": {...}}` for a "Desktop app" client (what calsync needs) or
 * `{"web": {...}}` for a "Web application" client, which only works when one
 * of its registered redirect URIs is a loopback address calsync can listen on.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '../errors.js';
import { registerSecret } from '../util/log.js';
import { docPath } from '../util/docs.js';

export interface ClientSecrets {
  kind: 'installed' | 'web';
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** Where the browser is sent back to: calsync listens on 127.0.0.1 at `port` (0 = any free port). */
export interface LoopbackRedirect {
  /** The host named in redirect_uri ("127.0.0.1" or "localhost"), kept as registered. */
  host: string;
  port: number;
  path: string;
  /** True when the port is part of a registered URI (web clients match redirect URIs exactly). */
  fixedPort: boolean;
}

const SETUP_DOC = `create a "Desktop app" OAuth client (see ${docPath('google-setup.md')})`;

export function readClientSecrets(file: string): ClientSecrets {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? errorMessage(err)})`;
    throw new ConfigError(`client secrets file ${file} ${why}`, { hint: SETUP_DOC });
  }
  return parseClientSecrets(text, file);
}

export function parseClientSecrets(text: string, file: string): ClientSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`client secrets file ${file} is not valid JSON`, { hint: SETUP_DOC });
  }
  const root = isRecord(parsed) ? parsed : {};
  const kind = isRecord(root.installed) ? 'installed' : isRecord(root.web) ? 'web' : undefined;
  const body = kind === undefined ? undefined : root[kind];
  if (kind === undefined || !isRecord(body)) {
    throw new ConfigError(`client secrets file ${file} has neither an "installed" nor a "web" client`, {
      hint: SETUP_DOC,
    });
  }
  const clientId = body.client_id;
  const clientSecret = body.client_secret;
  if (
    typeof clientId !== 'string' ||
    clientId === '' ||
    typeof clientSecret !== 'string' ||
    clientSecret === ''
  ) {
    throw new ConfigError(`client secrets file ${file} lacks client_id or client_secret`, {
      hint: SETUP_DOC,
    });
  }
  registerSecret(clientSecret);
  const uris = Array.isArray(body.redirect_uris)
    ? body.redirect_uris.filter((u): u is string => typeof u === 'string')
    : [];
  return { kind, clientId, clientSecret, redirectUris: uris };
}

/**
 * The redirect to use. A Desktop client accepts http://127.0.0.1 on any port
 * (Google's loopback rule for installed apps); a web client only its exact
 * registered URIs, so one of them must be http on 127.0.0.1 or localhost.
 */
export function loopbackRedirectFor(
  secrets: ClientSecrets,
  file: string,
  port: number | undefined,
): LoopbackRedirect {
  if (secrets.kind === 'installed')
    return { host: '127.0.0.1', port: port ?? 0, path: '/', fixedPort: port !== undefined };
  const loopbacks = secrets.redirectUris.flatMap((u) => {
    const parsed = parseLoopback(u);
    return parsed ? [parsed] : [];
  });
  const chosen = port === undefined ? loopbacks[0] : loopbacks.find((l) => l.port === port);
  if (!chosen) {
    const wanted =
      port === undefined
        ? 'http://127.0.0.1:<port>/ or http://localhost:<port>/'
        : `http://localhost:${port}/`;
    throw new ConfigError(
      `the "web" client in ${file} has no loopback redirect URI (${wanted}) among its redirect_uris`,
      {
        hint: `use a "Desktop app" OAuth client, or add a loopback redirect URI to the web client (see ${docPath('google-setup.md')})`,
      },
    );
  }
  return chosen;
}

function parseLoopback(uri: string): LoopbackRedirect | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost'))
    return undefined;
  if (url.search || url.hash) return undefined;
  return {
    host: url.hostname,
    port: url.port === '' ? 80 : Number(url.port),
    path: url.pathname || '/',
    fixedPort: true,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
