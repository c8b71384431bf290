import { loadEngine, loadWatch } from './preload.js';
import type { Settings } from '../config/types.js';
import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';

/**
 * One tick of `serve-webhook --poll-interval`: a poll of every source
 * calendar (the safety net for lost notifications), then channel renewal
 * when a webhook URL is set, so no channel lapses without a systemd timer.
 * `stop` is the server's (cli/serve-webhook.ts): after it nothing more is sent.
 */
export async function ownScheduleTick(settings: Settings, stop?: AbortSignal): Promise<void> {
  const { runPoll } = await loadEngine();
  // The server's stop (SIGTERM) stops the poll as it stops a `calsync poll`: its requests end, its state is saved.
  try {
    await runPoll({ settings, trigger: 'serve', ...(stop ? { stop } : {}) });
  } catch (err) {
    // Stopped while it waited for another process's state lock: what was asked for, not a failed run.
    if (!stop?.aborted) throw err;
    log.info(`scheduled poll stopped: ${errorMessage(err)}`);
    return;
  }
  if (settings.webhookUrl && !stop?.aborted) {
    const { runWatch } = await loadWatch();
    await runWatch({ settings, ...(stop ? { signal: stop } : {}) });
  }
}
