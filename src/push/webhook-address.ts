import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** The path `serve-webhook` answers notifications on; a webhook URL without a path gets it. */
export const WEBHOOK_PATH = '/webhook';

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The address Google delivers notifications to, from the webhook URL setting.
 * Google requires https with a valid certificate; plain http is accepted only
 * on loopback, where the emulator and local tests live.
 */
export function webhookAddress(webhookUrl: string | undefined): string {
  const hint =
    'run: calsync config set webhookUrl https://calsync.example.org/webhook (the public https URL that reaches `calsync serve-webhook`)';
  if (!webhookUrl) throw new ConfigError('no webhook URL is set', { hint });
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new ConfigError('the webhook URL is not a valid URL', { hint });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(
      'the webhook URL must use https (Google delivers push notifications only to https)',
      { hint },
    );
  }
  if (url.pathname === '' || url.pathname === '/') url.pathname = WEBHOOK_PATH;
  return url.toString();
}
