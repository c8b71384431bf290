/** The notify module's surface: heartbeats to external monitors and alert mail. */
export type { Heartbeat } from './heartbeat.js';
export { compositeHeartbeat, noHeartbeat } from './heartbeat.js';
export { heartbeatFromSettings } from './from-settings.js';
export { healthchecksHeartbeat } from './healthchecks.js';
export { uptimeKumaHeartbeat } from './uptime-kuma.js';
export { AlertMailError, sendAlertMail, sendgridConfigured, type AlertMail } from './sendgrid.js';
