import { emptyMetrics } from './empty.js';
import { EVENT_COLUMNS } from './event-row.js';
import { EventTable } from './event-table.js';
import type { MetricsState, State } from './types.js';

/**
 * Cheap shape check of a parsed (and migrated) state file: top-level types and
 * one level below them; event rows are checked to be strings and indexed by
 * id, never decoded, so loading 100,000 entries costs little beyond
 * JSON.parse. Keys that a file lacks are filled with their defaults: adding a
 * key is not a schema change.
 */

export type Shaped = { ok: true; state: State } | { ok: false; problem: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAP_KEYS = ['calendars', 'channels', 'accounts'] as const;

export function shapeState(raw: Record<string, unknown>, version: number): Shaped {
  const rawEvents = raw.events ?? {};
  if (!isRecord(rawEvents)) return bad('"events" is not an object');
  const columns = raw.eventColumns;
  // Fewer columns than this version knows (a file written before one was
  // added at the end) read as absent; more are refused earlier (migrations.ts).
  if (
    columns !== undefined &&
    (typeof columns !== 'string' || !`${EVENT_COLUMNS} `.startsWith(`${columns} `))
  ) {
    return bad('"eventColumns" is not a row layout this version reads');
  }
  const events: State['events'] = {};
  for (const [calendarId, rows] of Object.entries(rawEvents)) {
    const table = Array.isArray(rows) ? EventTable.fromRows(rows) : undefined;
    if (!table) return bad(`"events" of calendar ${JSON.stringify(calendarId)} is not a list of rows`);
    events[calendarId] = table;
  }
  const maps: Partial<Record<(typeof MAP_KEYS)[number], Record<string, unknown>>> = {};
  for (const key of MAP_KEYS) {
    const value = raw[key] ?? {};
    if (!isRecord(value)) return bad(`"${key}" is not an object`);
    maps[key] = value;
  }
  if (raw.health !== undefined && !isRecord(raw.health)) return bad('"health" is not an object');
  if (raw.delivery !== undefined && !isRecord(raw.delivery)) return bad('"delivery" is not an object');
  if (raw.move !== undefined && !isRecord(raw.move)) return bad('"move" is not an object');
  if (raw.target !== undefined && typeof raw.target !== 'string') return bad('"target" is not a string');
  const metrics = shapeMetrics(raw.metrics);
  if (typeof metrics === 'string') return bad(metrics);

  // The casts below are the one place the file's inner entries are trusted:
  // their top-level containers were checked above; entries are not (see header).
  const { eventColumns: _columns, ...rest } = raw;
  const state = {
    ...rest,
    version,
    events,
    calendars: maps.calendars as State['calendars'],
    channels: maps.channels as State['channels'],
    accounts: maps.accounts as State['accounts'],
    metrics,
  } as State;
  return { ok: true, state };
}

function shapeMetrics(raw: unknown): MetricsState | string {
  const defaults = emptyMetrics();
  if (raw === undefined) return defaults;
  if (!isRecord(raw)) return '"metrics" is not an object';
  const out: MetricsState = { ...defaults };
  for (const key of ['pollsInitiated', 'webhooksReceived', 'eventsCleaned'] as const) {
    const value = raw[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) return `"metrics.${key}" is not a number`;
    out[key] = value;
  }
  for (const key of ['success', 'failure'] as const) {
    const value = raw[key] ?? {};
    if (!isRecord(value)) return `"metrics.${key}" is not an object`;
    out[key] = value as Record<string, number>;
  }
  if (raw.pollDuration !== undefined) {
    const h = raw.pollDuration;
    if (
      !isRecord(h) ||
      !isNumberArray(h.buckets) ||
      !isNumberArray(h.counts) ||
      h.buckets.length !== h.counts.length ||
      typeof h.sum !== 'number' ||
      typeof h.count !== 'number'
    ) {
      return '"metrics.pollDuration" is not a histogram';
    }
    out.pollDuration = { buckets: h.buckets, counts: h.counts, sum: h.sum, count: h.count };
  }
  return out;
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

function bad(problem: string): Shaped {
  return { ok: false, problem };
}
