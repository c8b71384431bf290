import { afterEach, describe, expect, it } from 'vitest';
import { log, registerSecret, setLogLevel, setLogSink } from '../src/util/log.js';
import { cutText, terminalText } from '../src/util/terminal-text.js';

describe('terminalText renders text calsync did not write', () => {
  it.each([
    ['OSC 0 (window title)', 'a\u001b]0;x\u0007b', 'a\\x1b]0;x\\x07b'],
    ['CSI clear screen', '\u001b[2J', '\\x1b[2J'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1 CSI', 'a\u009b2Jb', 'a\\x9b2Jb'],
    ['newline, CR, tab', 'a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['bidi override', 'x\u202ey', 'x\\u202ey'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['line separator', 'a\u2028b', 'a\\u2028b'],
    ['ordinary text, accents and emoji', 'Café 🎂 Zoë', 'Café 🎂 Zoë'],
  ])('escapes %s visibly', (_name, input, shown) => {
    expect(terminalText(input)).toBe(shown);
  });

  it('cuts a long value with an ellipsis, never inside an emoji or an escape', () => {
    expect(terminalText('abcdef', 4)).toBe('abc…');
    expect(cutText('🎂🎂🎂🎂', 3)).toBe('🎂🎂…');
    expect(terminalText('ab\u001bcd', 4)).toBe('ab\\x1b…');
    expect(terminalText('x'.repeat(500))).toHaveLength(200);
  });
});

describe('log lines', () => {
  const lines: string[] = [];
  afterEach(() => {
    lines.length = 0;
    setLogSink((l) => process.stderr.write(l + '\n'));
    setLogLevel('warn');
  });

  it('escape the message and every field, and stay one line', () => {
    setLogSink((l) => lines.push(l));
    log.warn('event "Tea\u001b]52;c;eA==\u0007" failed\nforged line', { title: 'x\u202ey\u009b', n: 3 });
    expect(lines).toEqual([
      'calsync warn: event "Tea\\x1b]52;c;eA==\\x07" failed\\nforged line title="x\\u202ey\\x9b" n=3',
    ]);
  });

  it('redact a secret before a long value is cut', () => {
    setLogSink((l) => lines.push(l));
    const secret = 'ya29.secret-access-token-value';
    registerSecret(secret);
    log.warn('x', { body: 'a'.repeat(490) + secret });
    expect(lines[0]).not.toContain('ya29.secret');
    expect(lines[0]).toContain('[redacted]');
  });
});
