/**
 * SIGINT and SIGTERM, for the commands that talk to Google under the state
 * lock (poll, clean, purge, watch). The first signal aborts the command's
 * AbortSignal: no new request goes out, the ones in flight end (reads at
 * once, writes once they answer or WRITE_GRACE_MS has passed:
 * google/request-signals.ts), their outcomes and the state are saved, the
 * lock is released, and the command ends with an InterruptedError (exit 130
 * or 143, cli/exit.ts). A second signal exits at once; so does a stop that
 * outruns STOP_BACKSTOP_MS (the lock file goes with the process's exit
 * handler, state/lock.ts). serve-webhook stops its polls the same way
 * (listenForStop), then exits 0.
 */
import { setMaxListeners } from 'node:events';
import { InterruptedError, interruption, type StopSignalName } from '../errors.js';
import { WRITE_GRACE_MS } from '../google/request-signals.js';
import { log } from '../util/log.js';

/** A stop that takes longer than this (a hung write of the state, say) ends the process anyway. */
export const STOP_BACKSTOP_MS = 8_000;

const SIGNALS: readonly StopSignalName[] = ['SIGINT', 'SIGTERM'];

/** A first SIGINT or SIGTERM, listened for. */
export interface StopListener {
  /** Aborted by the first signal, its reason the signal's InterruptedError. */
  readonly signal: AbortSignal;
  /** Stops listening, unless a signal came: a second one must still exit at once. */
  release(): void;
}

/**
 * Listens for the first SIGINT or SIGTERM, which aborts `signal`; a second
 * one, or a stop that outruns STOP_BACKSTOP_MS, exits at once. What
 * withStopSignals runs a command under, and serve-webhook its polls.
 */
export function listenForStop(what: string): StopListener {
  const controller = new AbortController();
  // Every request waiting for its rate slot or its retry listens to it: hundreds at once is no leak.
  setMaxListeners(0, controller.signal);
  const onSignal = (name: StopSignalName) => {
    const stop = new InterruptedError(name, `${what} stopped by ${name}`, {
      hint: 'what was done is saved; the next run continues where this one stopped',
    });
    if (controller.signal.aborted) {
      process.stderr.write(`calsync: ${name} again: stopped at once\n`);
      process.exit(stop.exitCode);
    }
    controller.abort(stop);
    const again = name === 'SIGINT' ? 'Ctrl-C again' : `${name} again`;
    log.warn(
      `${name}: stopping ${what}: no new request; those in flight get at most ${WRITE_GRACE_MS / 1000} s to answer, then the state is saved (${again} stops at once)`,
    );
    const backstop = setTimeout(() => {
      process.stderr.write(
        `calsync: ${what} did not stop within ${STOP_BACKSTOP_MS / 1000} s of ${name}: stopped at once\n`,
      );
      process.exit(stop.exitCode);
    }, STOP_BACKSTOP_MS);
    // Never the reason the process stays up: a command that finished exits at once.
    backstop.unref();
  };
  const handlers = SIGNALS.map((name) => [name, () => onSignal(name)] as const);
  for (const [name, handler] of handlers) process.on(name, handler);
  return {
    signal: controller.signal,
    release() {
      // After a signal the handlers stay until the process ends: a second one still exits at once.
      if (!controller.signal.aborted) for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

/**
 * Runs `fn` with an AbortSignal that the first SIGINT or SIGTERM aborts (its
 * reason an InterruptedError). When `fn` ends after a signal, the signal's
 * InterruptedError is thrown, whatever `fn` returned or threw: what the
 * person or systemd asked for is what happened.
 */
export async function withStopSignals<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = listenForStop(what);
  try {
    const result = await fn(stop.signal);
    const stopped = interruption(stop.signal);
    if (stopped) throw stopped;
    return result;
  } catch (err) {
    throw interruption(stop.signal) ?? err;
  } finally {
    stop.release();
  }
}

/**
 * The exit code a command's report gives: the stop's (130, 143) once a signal
 * came, which is what the process exits with (withStopSignals throws it),
 * else the report's own.
 */
export function reportedExitCode(stop: AbortSignal, code: number): number {
  return interruption(stop)?.exitCode ?? code;
}
