/**
 * Logging: stderr, one line per entry, quiet by default (warn and above unless
 * --verbose or CALSYNC_LOG_LEVEL says otherwise). Every registered secret is
 * replaced by "[redacted]" before a line is written, whatever the level.
 */

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

const secrets = new Set<string>();
let threshold: LogLevel = 'warn';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

/** Values shorter than this are not redacted: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

export function getLogLevel(): LogLevel {
  return threshold;
}

/** Tests and the server may capture lines instead of writing to stderr. */
export function setLogSink(fn: (line: string) => void): void {
  sink = fn;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (rank[level] > rank[threshold]) return;
  const extra = fields
    ? Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(
          ([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v))}`,
        )
        .join(' ')
    : '';
  const line = `calsync ${level}: ${message}${extra ? ' ' + extra : ''}`.replace(/[\r\n]+/g, ' ');
  sink(redact(line));
}

export const log = {
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
};
