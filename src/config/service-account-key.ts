/**
 * The service account key JSON as the Google Cloud console downloads it
 * (`"type": "service_account"`): checked here, where every secret is read, so
 * a bad key is a configuration error (exit 2) naming the variable or file,
 * and its private parts are registered for redaction before anything can log them.
 */
import { registerSecret } from '../util/log.js';

/** The fields calsync uses; the file has more (project_id, auth_uri, …). */
export interface ServiceAccountKey {
  type: 'service_account';
  client_email: string;
  /** The numeric "Client ID" the Workspace admin enters under Domain-wide delegation. */
  client_id: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

/** The key, or what is wrong with it; never repeats a value (it is a secret even when malformed). */
export function parseServiceAccountKey(text: string): ServiceAccountKey | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      problem: 'is not valid JSON (expected the service account key file from the Google Cloud console)',
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { problem: 'is not a JSON object (expected a service account key)' };
  const o = parsed as Record<string, unknown>;
  if (o.type !== 'service_account')
    return { problem: 'is not a service account key ("type" must be "service_account")' };
  for (const field of ['client_email', 'client_id', 'private_key'] as const) {
    if (typeof o[field] !== 'string' || !o[field].trim())
      return { problem: `lacks "${field}" (download a new JSON key from the Google Cloud console)` };
  }
  if (!String(o.private_key).includes('PRIVATE KEY'))
    return { problem: 'has a "private_key" that is not a PEM private key' };
  registerKeySecrets(o);
  return o as unknown as ServiceAccountKey;
}

/**
 * The private key as it appears anywhere: whole, JSON-escaped (a logged
 * object), and line by line (a wrapped or partial print). The key id is not
 * secret (the Cloud console lists it) and names the key to replace.
 */
function registerKeySecrets(o: Record<string, unknown>): void {
  const pem = String(o.private_key);
  registerSecret(pem);
  registerSecret(JSON.stringify(pem).slice(1, -1));
  for (const line of pem.split(/\r?\n|\\n/)) if (!line.startsWith('-----')) registerSecret(line.trim());
}
