import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFailure, recordSuccess } from '../src/metrics/record.js';
import { renderMetrics } from '../src/metrics/render.js';
import { stateWith } from './health-helpers.js';

const docs = join(import.meta.dirname, '..', 'docs');

/** Metric names calsync exposes, histogram series included, from a state with every kind of counter. */
async function exposedNames(): Promise<Set<string>> {
  const state = stateWith((s) => {
    s.calendars['a@example.com'] = { lastSuccessAt: new Date().toISOString() };
    s.channels['a@example.com'] = {
      id: 'c',
      resourceId: 'r',
      expiration: Date.now() + 1e8,
      address: 'x',
      createdAt: 'y',
    };
  });
  recordSuccess(state, 'a@example.com', 'mirror_created');
  recordFailure(state, 'a@example.com', 'backendError');
  const text = await renderMetrics(state);
  return new Set([...text.matchAll(/^(calsync_[a-z_]+)/gm)].map((m) => m[1] ?? ''));
}

/** Every calsync_* name an expression mentions. */
function namesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/calsync_[a-z_]+/g)].map((m) => m[0]))];
}

describe('monitoring examples in docs/', () => {
  it('the alert rules and the Grafana dashboard use only metric names calsync exposes', async () => {
    const exposed = await exposedNames();
    const rules = await readFile(join(docs, 'prometheus-alerts.yml'), 'utf8');
    const dashboard = await readFile(join(docs, 'grafana-dashboard.json'), 'utf8');
    const used = [...namesIn(rules), ...namesIn(dashboard)];
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((n) => !exposed.has(n))).toEqual([]);
  });

  it('the Grafana dashboard is valid JSON with a Prometheus query in every panel', async () => {
    const dash = JSON.parse(await readFile(join(docs, 'grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    expect(dash.panels.length).toBeGreaterThan(5);
    for (const p of dash.panels) expect(p.targets[0]?.expr).toMatch(/calsync_/);
  });
});
