import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  fakeServer,
  isoAgo,
  runCalsync,
  sandbox,
  stateWith,
  stoppedServerUrl,
  writeState,
  type Sandbox,
} from './health-helpers.js';

const CAL = 'alice@example.com';
// A shared calendar as any real config has (none is CRITICAL at once: test/health-shared-calendar.test.ts).
const base = {
  CALSYNC_SOURCE_CALENDARS: CAL,
  CALSYNC_INVITE_EMAIL: 'family@group.calendar.test',
  CALSYNC_POLL_INTERVAL_MINUTES: '5',
};

beforeAll(() => assertBuilt());

/** Each test gets its own config dir, so the spawned runs can overlap. */
function inBox(fn: (box: Sandbox) => Promise<void>): () => Promise<void> {
  return async () => {
    const box = await sandbox();
    try {
      await fn(box);
    } finally {
      await box.cleanup();
    }
  };
}

describe.concurrent('calsync health-check (built binary, --offline)', () => {
  it(
    'no poll yet: WARNING, exit 1',
    inBox(async (box) => {
      const r = await runCalsync(['health-check', '--offline'], box, base);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.firstLine).toMatch(
        /^CALSYNC WARNING - alice@example.com: no successful poll yet \| 'last_poll_age'=U;900;1800;0/,
      );
    }),
  );

  it(
    'a fresh poll: OK, exit 0',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const r = await runCalsync(['health-check', '--offline'], box, base);
      expect(r.code).toBe(0);
      expect(r.firstLine).toMatch(
        /^CALSYNC OK - 1 calendar synced, last poll \d+s ago \| 'last_poll_age'=\d+s;900;1800;0 'calendars'=1;;;0/,
      );
    }),
  );

  it(
    'a poll older than six intervals: CRITICAL, exit 2',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 7200) })),
      );
      const r = await runCalsync(['health', '--offline'], box, base);
      expect(r.code).toBe(2);
      expect(r.firstLine).toMatch(
        /^CALSYNC CRITICAL - alice@example.com: last successful poll \d+s ago \(limit 900s\)/,
      );
    }),
  );

  it(
    'an account that needs authorization: CRITICAL with the auth command',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => {
          s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) };
          s.accounts[CAL] = { needsAuth: { since: '2026-01-01T00:00:00.000Z', reason: 'invalid_grant' } };
        }),
      );
      const r = await runCalsync(['health-check', '--offline'], box, base);
      expect(r.code).toBe(2);
      expect(r.firstLine).toMatch(
        /^CALSYNC CRITICAL - alice@example.com: needs authorization since 2026-01-01/,
      );
      expect(r.stdout).toContain('run: calsync auth alice@example.com --client-secrets <client_secret.json>');
    }),
  );

  it(
    'a watch channel that expires within a day: WARNING when a webhook URL is set',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => {
          s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) };
          s.channels[CAL] = {
            id: 'ch',
            resourceId: 'res',
            expiration: Date.now() + 3 * 3_600_000,
            address: 'https://hooks.example.com/webhook',
            createdAt: isoAgo(new Date(), 86_400),
          };
        }),
      );
      const r = await runCalsync(['health-check', '--offline'], box, {
        ...base,
        CALSYNC_WEBHOOK_URL: 'https://hooks.example.com/webhook',
      });
      expect(r.code).toBe(1);
      expect(r.firstLine).toMatch(/^CALSYNC WARNING - alice@example.com: push channel expires in [23]h/);
    }),
  );

  it(
    '--url against a stopped server: CRITICAL',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const url = `${await stoppedServerUrl()}/health`;
      const r = await runCalsync(['health-check', '--offline', '--url', url], box, base);
      expect(r.code).toBe(2);
      expect(r.firstLine).toMatch(
        new RegExp(`^CALSYNC CRITICAL - ${url.replaceAll('.', '\\.')} unreachable: .*ECONNREFUSED`),
      );
    }),
  );

  it(
    '--url against a running server that answers 200: OK',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const server = await fakeServer();
      server.answer = () => ({ status: 200, body: '{"status":"ok"}' });
      try {
        const r = await runCalsync(['health-check', '--offline', '--url', `${server.url}/health`], box, base);
        expect(r.code).toBe(0);
        expect(r.firstLine).toMatch(/^CALSYNC OK - /);
        expect(server.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['GET /health']);
      } finally {
        await server.close();
      }
    }),
  );

  it(
    '--url answering 503 is CRITICAL and names the failing checks',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 60) })),
      );
      const server = await fakeServer();
      const checks = [
        {
          kind: 'poll',
          subject: 'bob@example.com',
          status: 'OK',
          message: 'bob@example.com: last successful poll 5s ago',
        },
        {
          kind: 'poll',
          subject: CAL,
          status: 'WARNING',
          message: `${CAL}: last successful poll 1000s ago (limit 900s)`,
        },
      ];
      server.answer = () => ({ status: 503, body: JSON.stringify({ status: 'fail', checks }) });
      try {
        const r = await runCalsync(['health-check', '--offline', '--url', `${server.url}/health`], box, base);
        expect(r.code).toBe(2);
        expect(r.firstLine).toContain(
          'answered 503 (alice@example.com: last successful poll 1000s ago (limit 900s))',
        );
      } finally {
        await server.close();
      }
    }),
  );

  it(
    '--json prints one document with the status and every check',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith((s) => (s.calendars[CAL] = { lastSuccessAt: isoAgo(new Date(), 7200) })),
      );
      const r = await runCalsync(['health-check', '--offline', '--json'], box, base);
      expect(r.code).toBe(2);
      const doc = JSON.parse(r.stdout) as {
        status: string;
        exitCode: number;
        checks: Array<{ kind: string; status: string }>;
        since: string;
      };
      expect(doc.status).toBe('CRITICAL');
      expect(doc.exitCode).toBe(2);
      expect(doc.checks).toEqual([expect.objectContaining({ kind: 'poll', status: 'CRITICAL' })]);
      expect(typeof doc.since).toBe('string');
    }),
  );

  it(
    'a usage error exits 3 (UNKNOWN), not 2',
    inBox(async (box) => {
      const r = await runCalsync(['health-check', '--bogus'], box, base);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("unknown option '--bogus'");
      // Nagios shows stdout: the plugin line says what is wrong.
      expect(r.stdout).toBe("CALSYNC UNKNOWN - health-check: unknown option '--bogus'\n");
    }),
  );

  it(
    'settings that cannot be loaded are UNKNOWN, exit 3',
    inBox(async (box) => {
      const r = await runCalsync(['health-check', '--offline'], box, {
        ...base,
        CALSYNC_POLL_INTERVAL_MINUTES: 'often',
      });
      expect(r.code).toBe(3);
      expect(r.firstLine).toMatch(/^CALSYNC UNKNOWN - .*CALSYNC_POLL_INTERVAL_MINUTES/);
    }),
  );

  it(
    'an unreadable state file is CRITICAL',
    inBox(async (box) => {
      await writeState(
        box.configDir,
        stateWith(() => undefined),
      );
      // A state from a newer calsync is refused, not guessed at.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${box.configDir}/state.json`, JSON.stringify({ version: 999 }), { mode: 0o600 });
      const r = await runCalsync(['health-check', '--offline'], box, base);
      expect(r.code).toBe(2);
      expect(r.firstLine).toMatch(/^CALSYNC CRITICAL - state file unreadable: .*newer calsync/);
    }),
  );

  it(
    'the status and its start are recorded in the state',
    inBox(async (box) => {
      await runCalsync(['health-check', '--offline', '--no-alert'], box, base);
      const { readFile } = await import('node:fs/promises');
      const state = JSON.parse(await readFile(`${box.configDir}/state.json`, 'utf8')) as {
        health?: { status: string; since: string };
      };
      expect(state.health?.status).toBe('WARNING');
    }),
  );
});
