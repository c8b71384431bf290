import { loadEngine, loadWatch } from './preload.js';
import type { Settings } from '../config/types.js';

/**
 * One tick of `serve-webhook --poll-interval`: a poll of every source
 * calendar (the safety net for lost notifications), then channel renewal
 * when a webhook URL is set, so no channel lapses without a systemd timer.
 */
export async function ownScheduleTick(settings: Settings): Promise<void> {
  const { runPoll } = await loadEngine();
  await runPoll({ settings, trigger: 'serve' });
  if (settings.webhookUrl) {
    const { runWatch } = await loadWatch();
    await runWatch({ settings });
  }
}
