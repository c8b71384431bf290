import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import type { Settings } from '../config/types.js';
import { ConfigError, OperationError, errorMessage } from '../errors.js';
import { redact, registerSecret } from '../util/log.js';
import { docPath } from '../util/docs.js';

export interface AlertMail {
  subject: string;
  text: string;
}

export type SendgridSettings = Pick<Settings, 'sendgridApiKey' | 'alertFrom' | 'alertTo' | 'sendgridApiRoot'>;

/** A mail provider that hangs must not hold a health-check past its own deadline. */
const SEND_TIMEOUT_MS = 10_000;

/** True when key, sender and at least one recipient are set. */
export function sendgridConfigured(settings: SendgridSettings): boolean {
  return Boolean(settings.sendgridApiKey && settings.alertFrom && settings.alertTo.length > 0);
}

/** A SendGrid send that failed; the message is SendGrid's own, with the key redacted. */
export class AlertMailError extends OperationError {}

/**
 * Sends one plain-text alert mail through SendGrid's v3 API.
 *
 * The mail service and its HTTP client are built per call: `mail.setApiKey()`
 * resets the client's base URL to api.sendgrid.com, so the key goes on a
 * fresh client first and the configured API root (a regional host, or a fake
 * in tests) after it.
 */
export async function sendAlertMail(settings: SendgridSettings, mail: AlertMail): Promise<void> {
  const { sendgridApiKey: key, alertFrom: from, alertTo: to } = settings;
  if (!key || !from || to.length === 0) {
    // What a timer sees: config.json for addresses; the key, a secret, from a file or credential.
    const steps = [
      ...(from ? [] : ['calsync config set alertFrom calsync@example.org']),
      ...(to.length ? [] : ['calsync config set alertTo you@example.org']),
      ...(key
        ? []
        : [
            `give the SendGrid key as CALSYNC_SENDGRID_API_KEY_FILE=/path or a systemd credential (${docPath('configuration.md')})`,
          ]),
    ];
    throw new ConfigError('alert mail is not configured', { hint: `run: ${steps.join('; ')}` });
  }
  registerSecret(key);
  const client = new Client();
  client.setApiKey(key);
  client.setDefaultRequest('baseUrl', settings.sendgridApiRoot);
  const service = new MailService();
  service.setClient(client);
  // Sets the axios timeout on the client just attached.
  service.setTimeout(SEND_TIMEOUT_MS);
  try {
    await service.send({
      from,
      // One personalization with every recipient: one mail, each sees the others.
      to,
      subject: mail.subject,
      text: mail.text,
    });
  } catch (err) {
    throw new AlertMailError(redact(`SendGrid did not accept the alert mail: ${sendgridMessage(err)}`), {
      cause: err,
    });
  }
}

/** SendGrid's own error messages (`{"errors":[{"message"}]}`), else the HTTP or network error. */
export function sendgridMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'response' in err) {
    const e = err as { code?: unknown; response?: { body?: unknown } };
    const body = e.response?.body;
    const messages: string[] = [];
    if (typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
      for (const item of (body as { errors: unknown[] }).errors) {
        if (
          typeof item === 'object' &&
          item !== null &&
          typeof (item as { message?: unknown }).message === 'string'
        ) {
          messages.push((item as { message: string }).message);
        }
      }
    }
    const status = typeof e.code === 'number' ? `HTTP ${e.code}` : 'HTTP error';
    return messages.length > 0 ? `${status}: ${messages.join('; ')}` : status;
  }
  return errorMessage(err);
}
