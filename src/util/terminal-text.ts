/**
 * The one place that renders text calsync did not write (event titles, ids,
 * Google's error messages, stored last errors) for a terminal or a log line.
 * Anyone who invites an account controls a title, and Google's messages quote
 * request data: printed raw, an escape sequence could set the window title
 * (OSC 0), write the clipboard (OSC 52) or clear the screen, a bidi override
 * could reverse what follows, and a newline could forge a line of its own.
 * Every such character is shown escaped instead (`\x1b`, `\u202e`, `\n`), so
 * it stays visible and harmless. `--json` never goes through here: JSON
 * escapes on its own, and programs need the exact text.
 */

/** Values longer than this (in characters, before escaping) are cut with an ellipsis by default. */
export const DEFAULT_MAX_LENGTH = 200;

const ELLIPSIS = '…';

/** Named escapes for the controls people recognise. */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * C0 controls, DEL, C1 controls; the bidi embeddings, overrides and isolates
 * (U+202A-202E, U+2066-2069) and marks (U+200E, U+200F, U+061C); the line and
 * paragraph separators (U+2028, U+2029), which some terminals break lines on.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes every unsafe character of `text`, keeping its length (no cut). */
export function escapeTerminalText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** `text` cut to `maxLength` characters (code points, so no emoji is split), with an ellipsis when cut. */
export function cutText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  return points.slice(0, Math.max(0, maxLength - 1)).join('') + ELLIPSIS;
}

/**
 * `value` as text that is safe on a terminal and on one log line: cut to
 * `maxLength` characters with an ellipsis, then unsafe characters escaped
 * visibly (cut first, so an escape is never split in two and the limit counts
 * what the source wrote). `Infinity` keeps it whole.
 */
export function terminalText(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  return escapeTerminalText(cutText(typeof value === 'string' ? value : String(value), maxLength));
}
