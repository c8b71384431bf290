import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { webhookTokenPath } from '../config/paths.js';
import type { Settings } from '../config/types.js';
import { ConfigError, errorMessage } from '../errors.js';
import { registerSecret } from '../util/log.js';
import { tokensMatch } from './token-check.js';

export { webhookTokenPath };

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

function readTokenFile(file: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new ConfigError(`cannot read ${file}: ${errorMessage(err)}`, { cause: err });
  }
  if ((mode & 0o077) !== 0)
    throw new ConfigError(`${file} is readable by group or others`, { hint: `run: chmod 600 ${file}` });
  const token = readFileSync(file, 'utf8').trim();
  if (!token)
    throw new ConfigError(`${file} is empty`, {
      hint: `run: rm ${file} && calsync watch --force (a new token is generated)`,
    });
  return token;
}

/**
 * The channel token Google echoes with every notification: the setting when
 * there is one; else `<config dir>/webhook-token`, generated (32 random
 * bytes, base64url, mode 0600) on first use so that `watch` and
 * `serve-webhook` agree without the user choosing a secret.
 */
export function resolveWebhookToken(settings: Pick<Settings, 'webhookToken' | 'configDir'>): string {
  if (settings.webhookToken) {
    registerSecret(settings.webhookToken);
    return settings.webhookToken;
  }
  const file = webhookTokenPath(settings.configDir);
  let token = readTokenFile(file);
  if (token === undefined) {
    mkdirSync(settings.configDir, { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32).toString('base64url');
    try {
      // 'wx': if another process generated one meanwhile, theirs wins and is read below.
      writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
      token = fresh;
    } catch (err) {
      if (!isErrno(err, 'EEXIST'))
        throw new ConfigError(`cannot write ${file}: ${errorMessage(err)}`, { cause: err });
      token = readTokenFile(file);
      if (token === undefined) throw new ConfigError(`${file} vanished while being created`);
    }
  }
  registerSecret(token);
  return token;
}

/** A token file is looked at again at most this often, and only when a notification's token does not match. */
const TOKEN_RELOAD_INTERVAL_MS = 1_000;

/**
 * The token the server checks notifications against. When it lives in the
 * token file, a mismatch re-reads the file (at most once a second): a token
 * rotated by deleting the file is then taken, once `calsync watch` has
 * renewed the channels with it, without restarting the server.
 */
export class WebhookTokenCheck {
  private current: string;
  private lastReload = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: Pick<Settings, 'webhookToken' | 'configDir'>,
    private readonly now: () => number = Date.now,
  ) {
    this.current = resolveWebhookToken(settings);
  }

  matches(received: string | undefined): boolean {
    if (tokensMatch(this.current, received)) return true;
    if (this.settings.webhookToken || this.now() - this.lastReload < TOKEN_RELOAD_INTERVAL_MS) return false;
    this.lastReload = this.now();
    let fresh: string | undefined;
    try {
      fresh = readTokenFile(webhookTokenPath(this.settings.configDir));
    } catch {
      return false; // a broken file keeps the token in use; `calsync watch` reports the file
    }
    if (fresh === undefined || fresh === this.current) return false;
    registerSecret(fresh);
    this.current = fresh;
    return tokensMatch(this.current, received);
  }
}
