import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { WebhookServer } from '../server/index.js';
import { loadSettings, sharedCalendarError } from '../config/index.js';
import { getLogLevel, log } from '../util/log.js';
import { applyLogLevel, globalOptions } from './globals.js';
import { listenForStop } from './stop-signals.js';

interface ServeFlags {
  host: string;
  port: number;
  pollInterval?: number;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535)
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function parseMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('the interval is a positive number of minutes');
  return n;
}

export function registerServeWebhook(program: Command): void {
  program
    .command('serve-webhook')
    .description(
      'receive Google push notifications (POST /webhook) and serve /health and /metrics until SIGTERM',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 5000)
    .option(
      '--poll-interval <minutes>',
      'also poll every <minutes> and renew channels before they expire (hosts without systemd timers)',
      parseMinutes,
    )
    .action(async (flags: ServeFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const loaded = loadSettings({
        flags: flags.pollInterval === undefined ? {} : { pollIntervalMinutes: flags.pollInterval },
        env: process.env,
      });
      const { settings } = loaded;
      applyLogLevel(g, settings.logLevel);
      // First, so a volume the server cannot write (a container's /config owned by root) is named as such.
      const { assertWritableConfigDir } = await import('../util/private-dir.js');
      assertWritableConfigDir(settings.configDir);
      // A server whose polls could only fail is a configuration error now, not a log line per notification.
      // A source calendar as the shared one: named by its file and key here, where they are known.
      const sharedError = sharedCalendarError(loaded);
      if (sharedError) throw sharedError;
      const { assertPollable } = await import('../sync/poll.js');
      assertPollable(settings);
      // The HTTP server and its dependencies load only for this command.
      const { startWebhookServer, startSchedule, ownScheduleTick, preloadPollModules } =
        await import('../server/index.js');
      await preloadPollModules();
      // The first SIGTERM or SIGINT stops the running polls as it stops a `calsync poll`: their requests
      // end (reads at once, writes after a short grace), their state is saved, the lock released. A
      // second signal, or a stop that outruns the backstop, exits at once (cli/stop-signals.ts).
      const stop = listenForStop('serve-webhook');
      const stopped = new Promise<void>((resolve) =>
        stop.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      let server: WebhookServer;
      try {
        server = await startWebhookServer({
          settings,
          host: flags.host,
          port: flags.port,
          stop: stop.signal,
        });
      } catch (err) {
        stop.release();
        throw err;
      }
      const line = `listening on ${server.url}`;
      log.info(line);
      // On stderr even when the configured level hides info: with --port 0 it is the only way to learn
      // the port. Not with --quiet, which means only errors on stderr for every command.
      if (!g.quiet && (getLogLevel() === 'error' || getLogLevel() === 'warn'))
        process.stderr.write(`calsync serve-webhook: ${line}\n`);
      const schedule =
        flags.pollInterval === undefined
          ? undefined
          : startSchedule(flags.pollInterval * 60_000, () => ownScheduleTick(settings, stop.signal));
      await stopped;
      log.info('shutting down: no new poll; running polls stop and save their state');
      await Promise.all([server.close(), schedule?.stop()]);
      // Exit 0: stopping is what a server is asked to do, and it did (systemd and compose read 143 as a failure).
      log.info('stopped');
    });
}
