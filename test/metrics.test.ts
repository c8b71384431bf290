import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderMetrics } from '../src/metrics/render.js';
import {
  recordFailure,
  recordPollDuration,
  recordPollStarted,
  recordSuccess,
  recordWebhookReceived,
  recordCleaned,
} from '../src/metrics/record.js';
import { emptyState, EventTable } from '../src/state/index.js';
import type { State } from '../src/state/index.js';
import { assertBuilt, childEnv, editState, runCli, tempConfigDir } from './server-helpers.js';
import type { TempDir } from './server-helpers.js';

function busyState(): State {
  const s = emptyState();
  for (let i = 0; i < 3; i += 1) recordPollStarted(s);
  recordPollDuration(s, 0.2);
  recordPollDuration(s, 3);
  recordPollDuration(s, 1_000); // beyond the last bucket: only in +Inf
  recordSuccess(s, 'alice@example.com', 'birthday_clone');
  recordSuccess(s, 'alice@example.com', 'birthday_clone');
  recordSuccess(s, 'bob@example.com', 'mirror_created');
  recordFailure(s, 'bob@example.com', 'forbiddenForNonOrganizer');
  recordWebhookReceived(s);
  recordCleaned(s, 4);
  s.events['alice@example.com'] = EventTable.of({
    e1: { action: 'copy', at: 1_767_225_600 },
    e2: { action: 'skip', at: 1_767_225_600 },
  });
  s.calendars['alice@example.com'] = { lastSuccessAt: '2026-11-25T10:00:00.000Z' };
  s.channels['alice@example.com'] = {
    id: 'c1',
    resourceId: 'r1',
    expiration: 1_800_000_000_000,
    address: 'https://x/webhook',
    createdAt: '2026-11-25T10:00:00.000Z',
  };
  return s;
}

describe('renderMetrics', () => {
  it('renders every interface metric with its labels from the persisted state', async () => {
    const text = await renderMetrics(busyState(), { version: '9.9.9' });
    expect(text).toMatch(/^calsync_polls_initiated_total 3$/m);
    expect(text).toMatch(/^# TYPE calsync_poll_duration_seconds histogram$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_bucket\{le="0.5"\} 1$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_bucket\{le="5"\} 2$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_bucket\{le="300"\} 2$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_bucket\{le="\+Inf"\} 3$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_sum 1003.2$/m);
    expect(text).toMatch(/^calsync_poll_duration_seconds_count 3$/m);
    expect(text).toMatch(/^calsync_processed_event_ids 2$/m);
    expect(text).toMatch(/^calsync_events_cleaned_total 4$/m);
    expect(text).toMatch(
      /^calsync_events_processed_success_total\{calendar_id="alice@example.com",event_type="birthday_clone"\} 2$/m,
    );
    expect(text).toMatch(
      /^calsync_events_processed_success_total\{calendar_id="bob@example.com",event_type="mirror_created"\} 1$/m,
    );
    expect(text).toMatch(
      /^calsync_events_processed_failure_total\{calendar_id="bob@example.com",reason="forbiddenForNonOrganizer"\} 1$/m,
    );
    expect(text).toMatch(/^calsync_webhooks_received_total 1$/m);
    expect(text).toMatch(
      /^calsync_last_success_timestamp_seconds\{calendar_id="alice@example.com"\} 1795600800$/m,
    );
    expect(text).toMatch(
      /^calsync_watch_channel_expiry_timestamp_seconds\{calendar_id="alice@example.com"\} 1800000000$/m,
    );
    expect(text).toMatch(
      new RegExp(`^calsync_build_info\\{version="9.9.9",node_version="${process.versions.node}"\\} 1$`, 'm'),
    );
    expect(text).not.toMatch(/^process_/m);
  });

  it('adds the default process metrics only in serve mode', async () => {
    const text = await renderMetrics(emptyState(), { includeProcess: true });
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('escapes label values that need it so the output stays valid', async () => {
    const s = emptyState();
    recordFailure(s, 'odd"cal\\id@example.com', 'line\nbreak');
    const text = await renderMetrics(s);
    expect(text).toContain('calendar_id="odd\\"cal\\\\id@example.com"');
  });
});

describe('calsync metrics', () => {
  let tmp: TempDir;
  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    tmp = tempConfigDir('calsync-metrics-');
    await editState(tmp.dir, (s) => {
      recordPollStarted(s);
      recordSuccess(s, 'alice@example.com', 'invite_added');
    });
  });
  afterEach(() => tmp.cleanup());

  it('prints the persisted metrics', async () => {
    const r = await runCli(['metrics'], childEnv(tmp.dir));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^calsync_polls_initiated_total 1$/m);
    expect(r.stdout).toMatch(
      /^calsync_events_processed_success_total\{calendar_id="alice@example.com",event_type="invite_added"\} 1$/m,
    );
  });

  it('refuses --json with a usage error (its only format is Prometheus text)', async () => {
    const r = await runCli(['metrics', '--json'], childEnv(tmp.dir));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('metrics prints the Prometheus text format only; --json does not apply');
  });

  it('writes --output atomically, world-readable for node_exporter, leaving no temp file', async () => {
    const outDir = join(tmp.dir, 'textfile');
    const out = join(outDir, 'calsync.prom');
    // node_exporter's directory is its own: calsync writes into it but never creates it.
    const missing = await runCli(['metrics', '--output', out], childEnv(tmp.dir));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot write .*calsync\.prom/);
    mkdirSync(outDir);
    const r = await runCli(['metrics', '--output', out], childEnv(tmp.dir));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^calsync_polls_initiated_total 1$/m);
    expect(statSync(out).mode & 0o777).toBe(0o644);
    expect(readdirSync(outDir)).toEqual(['calsync.prom']);
  });
});
