import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/config/index.js';
import { UsageError } from '../src/errors.js';

describe('parseDuration', () => {
  it('turns a number and a unit into milliseconds', () => {
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
  });

  it('accepts surrounding spaces, upper-case units and zero', () => {
    expect(parseDuration(' 1D ')).toBe(86_400_000);
    expect(parseDuration('0d')).toBe(0);
  });

  it.each(['', '30', 'd', '30x', '-1d', '1.5h', '30 days', '1e3s', '99999999999999999w'])(
    'rejects %j with a UsageError',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
    },
  );

  it('says which units are accepted', () => {
    let caught: unknown;
    try {
      parseDuration('30x');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).hint).toContain('30d');
  });
});
