import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertMailError, sendAlertMail, sendgridConfigured } from '../src/notify/sendgrid.js';
import { ConfigError } from '../src/errors.js';
import { fakeServer, type FakeServer } from './health-helpers.js';

const KEY = 'SG.unit-test-key-abcdef0123';
let server: FakeServer;
beforeAll(async () => {
  server = await fakeServer();
});
afterAll(async () => {
  await server.close();
});

const settings = () => ({
  sendgridApiKey: KEY,
  alertFrom: 'bot@example.com',
  alertTo: ['a@example.com', 'b@example.com'],
  sendgridApiRoot: server.url,
});

describe('sendAlertMail', () => {
  it('posts the v3 mail body to the configured API root with the bearer key', async () => {
    server.requests.length = 0;
    server.answer = () => ({ status: 202 });
    await sendAlertMail(settings(), { subject: 'calsync CRITICAL', text: 'poll stale\nrun: calsync poll' });
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/v3/mail/send');
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(req?.body ?? '{}')).toMatchObject({
      from: { email: 'bot@example.com' },
      subject: 'calsync CRITICAL',
      personalizations: [{ to: [{ email: 'a@example.com' }, { email: 'b@example.com' }] }],
      content: [{ type: 'text/plain', value: 'poll stale\nrun: calsync poll' }],
    });
  });

  it("a refused mail is an AlertMailError with SendGrid's message and without the key", async () => {
    server.answer = () => ({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        errors: [
          {
            message: `The provided authorization grant is invalid, expired, or revoked (${KEY})`,
            field: null,
            help: null,
          },
        ],
      }),
    });
    const err = await sendAlertMail(settings(), { subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertMailError);
    expect((err as Error).message).toContain(
      'HTTP 401: The provided authorization grant is invalid, expired, or revoked',
    );
    expect((err as Error).message).not.toContain(KEY);
  });

  it('is refused with a ConfigError when the key, sender or recipients are missing', async () => {
    await expect(
      sendAlertMail({ ...settings(), alertTo: [] }, { subject: 's', text: 't' }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(sendgridConfigured({ ...settings(), sendgridApiKey: undefined })).toBe(false);
    expect(sendgridConfigured(settings())).toBe(true);
  });
});
