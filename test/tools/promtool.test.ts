/**
 * Checks that drive promtool (Debian package `prometheus`): `npm run test:tools`,
 * which `.ci/run` installs the program for. A missing promtool fails, never skips.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordFailure, recordPollStarted, recordSuccess } from '../../src/metrics/record.js';
import { renderMetrics } from '../../src/metrics/render.js';
import { emptyState } from '../../src/state/index.js';
import { stateWith } from '../health-helpers.js';
import { assertBuilt, childEnv, editState, runCli, tempConfigDir } from '../server-helpers.js';

const run = promisify(execFile);
const docs = join(import.meta.dirname, '..', '..', 'docs');
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

function promtool(): string {
  if (!PROMTOOL)
    throw new Error('promtool is missing: install the Debian package "prometheus" (.ci/run does)');
  return PROMTOOL;
}

function checkMetrics(text: string): { status: number | null; output: string } {
  const r = spawnSync(promtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function busyState() {
  return stateWith((s) => {
    s.calendars['alice@example.com'] = { lastSuccessAt: '2026-11-25T10:00:00.000Z' };
    s.channels['alice@example.com'] = {
      id: 'c1',
      resourceId: 'r1',
      expiration: 1_800_000_000_000,
      address: 'https://x/webhook',
      createdAt: '2026-11-25T10:00:00.000Z',
    };
  });
}

describe('promtool check metrics', () => {
  it('accepts the rendering of a busy state, process metrics included', async () => {
    const s = busyState();
    recordPollStarted(s);
    recordSuccess(s, 'alice@example.com', 'birthday_clone');
    recordFailure(s, 'bob@example.com', 'forbiddenForNonOrganizer');
    const r = checkMetrics(await renderMetrics(s, { version: '1.0.0', includeProcess: true }));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('accepts the rendering of an empty state', async () => {
    const r = checkMetrics(await renderMetrics(emptyState()));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('accepts label values that needed escaping', async () => {
    const s = emptyState();
    recordFailure(s, 'odd"cal\\id@example.com', 'line\nbreak');
    expect(checkMetrics(await renderMetrics(s)).status).toBe(0);
  });

  it('accepts what the built `calsync metrics` prints', async () => {
    assertBuilt();
    const tmp = tempConfigDir('calsync-promtool-');
    try {
      await editState(tmp.dir, (s) => {
        recordPollStarted(s);
        recordSuccess(s, 'alice@example.com', 'invite_added');
      });
      const r = await runCli(['metrics'], childEnv(tmp.dir));
      expect(r.code).toBe(0);
      expect(checkMetrics(r.stdout).status).toBe(0);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('promtool check rules', () => {
  beforeAll(() => void promtool());
  it('accepts the alert rules in docs/', async () => {
    const { stdout } = await run(promtool(), ['check', 'rules', join(docs, 'prometheus-alerts.yml')]);
    expect(stdout).toContain('SUCCESS');
  });
});
