/** The `serve-webhook` HTTP server; loaded only by that command. */
export { startWebhookServer } from './server.js';
export type { WebhookServer, WebhookServerOptions, WebhookServerStats } from './server.js';
export type { PollFn } from './poll-queue.js';
export { startSchedule } from './schedule.js';
export type { Schedule } from './schedule.js';
export { ownScheduleTick } from './own-schedule.js';
export { preloadPollModules } from './preload.js';
