import type { Settings } from '../config/types.js';
import { registerSecret } from '../util/log.js';
import { compositeHeartbeat, type Heartbeat } from './heartbeat.js';
import { healthchecksHeartbeat } from './healthchecks.js';
import { uptimeKumaHeartbeat } from './uptime-kuma.js';

/** Every configured monitor behind one Heartbeat; a no-op when none is set. */
export function heartbeatFromSettings(
  settings: Pick<Settings, 'uptimeKumaPushUrl' | 'healthchecksUrl'>,
): Heartbeat {
  const parts: Heartbeat[] = [];
  if (settings.uptimeKumaPushUrl) {
    registerSecret(settings.uptimeKumaPushUrl);
    parts.push(uptimeKumaHeartbeat(settings.uptimeKumaPushUrl));
  }
  if (settings.healthchecksUrl) {
    registerSecret(settings.healthchecksUrl);
    parts.push(healthchecksHeartbeat(settings.healthchecksUrl));
  }
  return compositeHeartbeat(parts);
}
