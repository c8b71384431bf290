import { lazyModule } from '../util/lazy-module.js';

/**
 * The modules the server loads after start-up, each loaded once (see
 * util/lazy-module.ts): the engine for a notification's poll, channel
 * renewal for --poll-interval, and the metrics renderer for a scrape.
 */
export const loadEngine = lazyModule(() => import('../sync/poll.js'));
export const loadWatch = lazyModule(() => import('../push/watch.js'));
export const loadMetricsRender = lazyModule(() => import('../metrics/render.js'));

/**
 * All of them, and what a poll with changes loads (the planner, the client
 * library), loaded when the server starts. A server runs for months, and the
 * files it would read on its first busy poll can be gone by then: an upgrade
 * replaces the package directory, a rebuild renames the bundle's chunks
 * (scripts/bundle.mjs). Each poll with a change would fail until a restart,
 * while the server stays up. The price: the client library in memory from
 * the start instead of from the first change.
 */
export async function preloadPollModules(): Promise<void> {
  const [engine] = await Promise.all([loadEngine(), loadWatch(), loadMetricsRender()]);
  await engine.preloadEngine();
}
