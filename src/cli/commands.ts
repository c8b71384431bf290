import type { Command } from 'commander';
import { registerAuthCommand } from './auth.js';
import { registerClean } from './clean.js';
import { registerConfigCommand } from './config.js';
import { registerPollCommand } from './poll.js';
import { registerPurge } from './purge.js';
import { registerSandbox } from './sandbox.js';
import { registerDemoCommand } from './demo.js';
import { registerExplain } from './explain.js';
import { registerHealthCheck } from './health-check.js';
import { registerMetrics } from './metrics.js';
import { registerServeWebhook } from './serve-webhook.js';
import { registerSystemd } from './systemd.js';
import { registerWatch } from './watch.js';

/**
 * Every command of the CLI, one file each. A command is registered here when
 * it works, not before.
 */
export function registerCommands(program: Command): void {
  // filled in as commands land
  registerPollCommand(program);
  registerDemoCommand(program);
  registerConfigCommand(program);
  registerAuthCommand(program);
  registerWatch(program);
  registerServeWebhook(program);
  registerMetrics(program);
  registerHealthCheck(program);
  registerClean(program);
  registerSystemd(program);
  registerPurge(program);
  registerExplain(program);
  registerSandbox(program);
}
