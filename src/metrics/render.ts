import { Counter, Gauge, Registry } from 'prom-client';
import { entryCount } from '../state/index.js';
import type { State } from '../state/index.js';
import { PersistedHistogram } from './persisted-histogram.js';
import { defaultProcessRegistry } from './process-registry.js';
import { parseMetricKey } from './record.js';

export interface RenderOptions {
  /** Add the default process metrics (serve mode: they describe a live process). */
  includeProcess?: boolean;
  /** calsync's version for `calsync_build_info`. */
  version?: string;
}

/** The Prometheus text content type `/metrics` answers with. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

function isoToSeconds(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/**
 * The Prometheus text exposition of the metrics persisted in the state. A
 * fresh registry per render: the values are the state's, summed over every
 * process that ever polled, not this process's own counters.
 */
export async function renderMetrics(state: State, opts: RenderOptions = {}): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const m = state.metrics;

  new Counter({
    name: 'calsync_polls_initiated_total',
    help: 'Polls started, per calendar poll run.',
    registers,
  }).inc(m.pollsInitiated);
  registry.registerMetric(
    new PersistedHistogram({
      name: 'calsync_poll_duration_seconds',
      help: 'Duration of polls in seconds.',
      data: m.pollDuration,
    }),
  );
  new Gauge({
    name: 'calsync_processed_event_ids',
    help: 'Processed-event entries kept in the state.',
    registers,
  }).set(entryCount(state));
  new Counter({
    name: 'calsync_events_cleaned_total',
    help: 'State entries dropped by calsync clean.',
    registers,
  }).inc(m.eventsCleaned);

  labelledCounter(
    registers,
    'calsync_events_processed_success_total',
    'Events processed successfully, by source calendar and action.',
    'event_type',
    m.success,
  );
  labelledCounter(
    registers,
    'calsync_events_processed_failure_total',
    'Events whose processing failed, by source calendar and reason.',
    'reason',
    m.failure,
  );

  new Counter({
    name: 'calsync_webhooks_received_total',
    help: 'Valid push notifications received.',
    registers,
  }).inc(m.webhooksReceived);

  const lastSuccess = new Gauge({
    name: 'calsync_last_success_timestamp_seconds',
    help: 'Unix time of the last successful poll of a calendar.',
    labelNames: ['calendar_id'] as const,
    registers,
  });
  for (const [calendar_id, cal] of Object.entries(state.calendars)) {
    const seconds = isoToSeconds(cal.lastSuccessAt);
    if (seconds !== undefined) lastSuccess.set({ calendar_id }, seconds);
  }
  const expiry = new Gauge({
    name: 'calsync_watch_channel_expiry_timestamp_seconds',
    help: "Unix time a calendar's push channel expires.",
    labelNames: ['calendar_id'] as const,
    registers,
  });
  for (const [calendar_id, channel] of Object.entries(state.channels)) {
    if (Number.isFinite(channel.expiration)) expiry.set({ calendar_id }, channel.expiration / 1000);
  }

  const undelivered = new Gauge({
    name: 'calsync_invitations_undelivered',
    help: 'Invitations calsync sent the shared calendar that its listing did not show, by source calendar.',
    labelNames: ['calendar_id'] as const,
    registers,
  });
  for (const [calendar_id, table] of Object.entries(state.events))
    undelivered.set({ calendar_id }, table.idsWithDelivery(['missing']).length);

  new Gauge({
    name: 'calsync_build_info',
    help: 'Always 1; the labels name the calsync and Node.js versions.',
    labelNames: ['version', 'node_version'] as const,
    registers,
  }).set({ version: opts.version ?? 'unknown', node_version: process.versions.node }, 1);

  const out = opts.includeProcess ? Registry.merge([registry, defaultProcessRegistry()]) : registry;
  return out.metrics();
}

/** A counter per (calendar, label) from the persisted `${calendarId}\u0000${label}` keys. */
function labelledCounter(
  registers: Registry[],
  name: string,
  help: string,
  labelName: 'event_type' | 'reason',
  counts: Record<string, number>,
): void {
  const counter = new Counter({ name, help, labelNames: ['calendar_id', labelName] as const, registers });
  for (const [key, n] of Object.entries(counts)) {
    const { calendarId, label } = parseMetricKey(key);
    counter.inc({ calendar_id: calendarId, [labelName]: label }, n);
  }
}
