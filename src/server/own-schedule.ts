import { loadEngine, loadWatch } from './preload.js';
import type { Settings } from '../config/types.js';

/**
 * One tick of `serve-webhook --poll-interval`: a poll of every source
 * calendar (the safety net for lost notifications), then channel renewal
 * when a webhook URL is set, so no channel lapses without a systemd timer.
 * `stop` is the server's (cli/serve-webhook.ts): after it nothing more is sent.
 */
export async function ownScheduleTick(settings: Settings, stop?: AbortSignal): Promise<void> {
  const { runPoll } = await loadEngine();
  // The server's stop (SIGTERM) stops the poll as it stops a `calsync poll`: its requests end, its state is saved.
  await runPoll({ settings, trigger: 'serve', ...(stop ? { stop } : {}) });
  if (settings.webhookUrl && !stop?.aborted) {
    const { runWatch } = await loadWatch();
    await runWatch({ settings, ...(stop ? { signal: stop } : {}) });
  }
}
