import { errorMessage } from '../errors.js';
import { log } from '../util/log.js';

export interface Schedule {
  /** Stops the timer and waits for a tick that is running. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` now and then every `intervalMs` after the previous tick ended
 * (never two at once), for hosts without a systemd timer.
 */
export function startSchedule(intervalMs: number, tick: () => Promise<void>): Schedule {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = (): void => {
    timer = undefined;
    running = tick()
      .catch((err: unknown) => log.error('scheduled run failed', { error: errorMessage(err) }))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
