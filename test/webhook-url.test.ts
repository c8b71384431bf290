/**
 * Webhook URLs that could never work are refused when they are set, not
 * discovered when no notification ever arrives.
 */
import { describe, expect, it } from 'vitest';
import { freshDirCli } from './helpers/fresh-dir-cli.js';

const cli = freshDirCli('calsync-hook-');
const { calsync } = cli;

describe('webhook URLs', () => {
  it('an http:// URL is refused: Google delivers only to https', () => {
    const r = calsync(['config', 'set', 'webhookUrl', 'http://calsync.example.org/webhook']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('must be an https URL: Google delivers push notifications only to https');
    expect(calsync(['config', 'get', 'webhookUrl']).stdout).toBe('\n');
  });

  it('from the environment too, naming the variable', () => {
    const r = calsync(['config', 'show'], { GOOGLE_WEBHOOK_URL: 'http://calsync.example.org' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('GOOGLE_WEBHOOK_URL: must be an https URL');
  });

  it('a path serve-webhook answers itself (/health, /metrics) is refused', () => {
    for (const path of ['/health', '/metrics']) {
      const r = calsync(['config', 'set', 'webhookUrl', `https://calsync.example.org${path}`]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`must not end in ${path}: serve-webhook answers that path itself`);
    }
  });

  it('an https URL is taken, a bare host gets /webhook', () => {
    expect(calsync(['config', 'set', 'webhookUrl', 'https://calsync.example.org']).status).toBe(0);
    expect(calsync(['config', 'get', 'webhookUrl']).stdout).toBe('https://calsync.example.org/webhook\n');
    expect(calsync(['config', 'set', 'webhookUrl', 'https://calsync.example.org/hooks/google']).status).toBe(
      0,
    );
  });
});
