import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client names these gauges `…_total`, which promtool rejects (that
 * suffix is for counters). The same numbers, by type, remain in
 * `nodejs_active_handles`, `nodejs_active_requests` and `nodejs_active_resources`.
 */
const NOT_PROMTOOL_CLEAN = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

let processRegistry: Registry | undefined;

/**
 * Default process metrics (CPU, memory, event loop, handles) for a long-running
 * `serve-webhook`. Created once per process: collectDefaultMetrics starts an
 * event-loop monitor and GC observers, which must not pile up per scrape.
 */
export function defaultProcessRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    for (const name of NOT_PROMTOOL_CLEAN) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}
