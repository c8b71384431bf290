/**
 * Logging: stderr, one line per entry, quiet by default (warn and above unless
 * --verbose or CALSYNC_LOG_LEVEL says otherwise). Every registered secret is
 * replaced by "[redacted]" before a line is written, whatever the level.
 * Messages and fields often quote what Google or an event's author wrote, so
 * every line goes through terminalText: no control or bidi character reaches
 * the terminal or the journal raw, and a newline cannot forge a line.
 */
import { cutText, escapeTerminalText, terminalText } from './terminal-text.js';
import { scrubUrls } from './url-text.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

const secrets = new Set<string>();
let threshold: LogLevel = 'warn';
let sink: (line: string) => void = (line) => process.stderr.write(line + '\n');

/**
 * What a log line or an error line may show: registered secrets replaced, and
 * every quoted URL without its query or userinfo (url-text.ts). Not for text
 * that must carry a whole URL (the sign-in URL a person opens).
 */
export function safeText(text: string): string {
  return redact(scrubUrls(text));
}

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

/** A long message or field value is cut here: one log line stays one readable line. */
const MAX_MESSAGE = 2000;
const MAX_FIELD = 500;

function fieldText(v: unknown): string {
  // Redact before cutting (a secret cut in two would no longer match); cut before quoting, so the quotes
  // survive; JSON escapes C0 controls and newlines, escapeTerminalText the rest (DEL, C1, bidi).
  if (typeof v === 'string') return escapeTerminalText(JSON.stringify(cutText(safeText(v), MAX_FIELD)));
  return terminalText(safeText(JSON.stringify(v) ?? String(v)), MAX_FIELD);
}

function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
  if (rank[level] > rank[threshold]) return;
  const extra = fields
    ? Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${fieldText(v)}`)
        .join(' ')
    : '';
  // Redact first: a secret cut in two by the length limit would no longer match.
  sink(`calsync ${level}: ${terminalText(safeText(message), MAX_MESSAGE)}${extra ? ' ' + extra : ''}`);
}

export const log = {
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
};
