import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { webhookTokenPath } from '../config/paths.js';
import type { Settings } from '../config/types.js';
import { ConfigError, errorMessage } from '../errors.js';
import { registerSecret } from '../util/log.js';

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
  if ((mode & 0o077) !== 0) throw new ConfigError(`${file} is readable by group or others`, { hint: `run: chmod 600 ${file}` });
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new ConfigError(`${file} is empty`, { hint: `delete it (a new token is generated) or set CALSYNC_WEBHOOK_TOKEN` });
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
      if (!isErrno(err, 'EEXIST')) throw new ConfigError(`cannot write ${file}: ${errorMessage(err)}`, { cause: err });
      token = readTokenFile(file);
      if (token === undefined) throw new ConfigError(`${file} vanished while being created`);
    }
  }
  registerSecret(token);
  return token;
}
