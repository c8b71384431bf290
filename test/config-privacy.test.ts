/** The settings of what is shared (issue 23): checked and normalised as config.json and `config set` give them. */
import { describe, expect, it } from 'vitest';
import { checkValue, parseText } from '../src/config/values.js';
import { SETTING_SPECS } from '../src/config/spec.js';

describe('privacy settings', () => {
  it('have the documented defaults', () => {
    expect(SETTING_SPECS.privateEvents.default).toBe('busy');
    expect(SETTING_SPECS.calendarDetails.default).toEqual({});
    expect(SETTING_SPECS.busyTitle.default).toBe('Busy ({name})');
    expect(SETTING_SPECS.skipTitles.default).toEqual([]);
    expect(SETTING_SPECS.skipAvailable.default).toBe(false);
    expect(SETTING_SPECS.calendarColors.default).toEqual({});
  });

  it.each<[string, Parameters<typeof parseText>[0], string, unknown]>([
    ['privateEvents, any case', 'privateEvents', 'SKIP', 'skip'],
    [
      'calendarDetails, cal=detail pairs',
      'calendarDetails',
      'a@x=busy,b@x=full',
      { 'a@x': 'busy', 'b@x': 'full' },
    ],
    ['calendarColors, cal=colour', 'colorMap', 'a@x=11', { 'a@x': '11' }],
    ['skipTitles, comma-separated', 'regexList', '^Therapy, interview', ['^Therapy', 'interview']],
    ['skipTitles, a JSON list keeps commas', 'regexList', '["a{1,3}", "b"]', ['a{1,3}', 'b']],
    ['skipAvailable, yes', 'boolean', 'yes', true],
    ['skipAvailable, false', 'boolean', 'false', false],
  ])('%s', (_name, kind, text, expected) => {
    expect(parseText(kind, text)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Parameters<typeof parseText>[0], string, RegExp]>([
    ['privateEvents, another word', 'privateEvents', 'hidden', /busy, skip or full/],
    ['calendarDetails, another word', 'calendarDetails', 'a@x=some', /calendar "a@x": must be full or busy/],
    ['calendarColors, out of the palette', 'colorMap', 'a@x=12', /colour id, 1 to 11/],
    [
      'skipTitles, a bad pattern named, with its fix',
      'regexList',
      'ok,(unclosed',
      /pattern "\(unclosed" is not a valid regular expression .*backslash/,
    ],
    ['skipAvailable, maybe', 'boolean', 'maybe', /true or false/],
  ])('%s is refused', (_name, kind, text, problem) => {
    const checked = parseText(kind, text);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problem).toMatch(problem);
  });

  it('config.json may give a colour as a number', () => {
    expect(checkValue('colorMap', { 'a@x': 3 })).toEqual({ ok: true, value: { 'a@x': '3' } });
  });
});
