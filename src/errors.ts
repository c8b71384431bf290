import { scrubUrls } from './util/url-text.js';

/**
 * Typed errors. Every failure a user can act on is one of these; the CLI maps
 * them to exit codes and one-line messages in one place (cli/exit.ts).
 */

/** Exit statuses of the interface page: 0 ok, 1 failed, 2 usage/configuration. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;

export abstract class CalsyncError extends Error {
  abstract readonly exitCode: number;
  /** A short command or action that fixes the problem, shown after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    // A message that quotes a request's URL shows no query or userinfo (url-text.ts), whoever wrote it.
    super(scrubUrls(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A bad flag, argument or command line: exit 2. */
export class UsageError extends CalsyncError {
  readonly exitCode = ExitCode.usage;
}

/** A bad setting, config file or secret file: exit 2, naming the file and key. */
export class ConfigError extends CalsyncError {
  readonly exitCode = ExitCode.usage;
}

/** The state file or lock could not be used safely: exit 1. */
export class StateError extends CalsyncError {
  readonly exitCode = ExitCode.failed;
}

/** An account has no usable token (missing, revoked, expired): exit 1. */
export class AuthError extends CalsyncError {
  readonly exitCode = ExitCode.failed;
  constructor(
    readonly account: string,
    message: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A Google API call failed for good (after retries, or not retryable). */
export class GoogleApiError extends CalsyncError {
  readonly exitCode = ExitCode.failed;
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Something failed that the user must look at, without a more specific type. */
export class OperationError extends CalsyncError {
  readonly exitCode = ExitCode.failed;
}

/** An error's message for a person: a URL it quotes (client libraries quote the request's) loses query and userinfo. */
export function errorMessage(err: unknown): string {
  return scrubUrls(err instanceof Error ? err.message : String(err));
}

/**
 * A Google host gave no answer to several requests in a row (connection
 * refused, name not found, time-out): the rest of the run sends nothing
 * there (google/outage.ts). `reason` is the network error, never a URL.
 */
export class GoogleUnreachableError extends OperationError {
  constructor(
    readonly host: string,
    readonly reason: string,
    /** What was being sent there when it was found down, when not the API call itself ("token refresh"). */
    readonly request?: string,
  ) {
    super(`Google unreachable: ${host}: ${reason}${request ? ` (${request})` : ''}`, {
      hint: `check this machine's network, DNS and proxy (can it reach ${host}?); the next run tries again`,
    });
  }
}

/**
 * Google, or something between calsync and Google (a captive portal, a proxy),
 * answered with a body calsync cannot rely on: not JSON, or not the shape of
 * the answer asked for. Never retried as-is and never counted as a success.
 */
export class BrokenAnswerError extends OperationError {
  /** The HTTP status of the answer (usually 200). */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    super(message);
    this.status = status;
  }
}

/** The signals that stop a command cleanly (cli/stop-signals.ts). */
export type StopSignalName = 'SIGINT' | 'SIGTERM';

/**
 * The command was stopped by SIGINT or SIGTERM: no new request went out after
 * the signal; what was in flight ended (answered, or cut short:
 * google/request-signals.ts) and was recorded. Exit 130 or 143
 * (128 + the signal's number), as a shell reports a process the signal killed,
 * so systemd and scripts read it the same way.
 */
export class InterruptedError extends CalsyncError {
  readonly exitCode: number;
  constructor(
    readonly signal: StopSignalName,
    message = `stopped by ${signal}`,
    options?: { hint?: string },
  ) {
    super(message, options);
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

/** The InterruptedError a stop signal carries, when `signal` was aborted by a stop (cli/stop-signals.ts). */
export function interruption(signal: AbortSignal | undefined): InterruptedError | undefined {
  return signal?.aborted && signal.reason instanceof InterruptedError ? signal.reason : undefined;
}
