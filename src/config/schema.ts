/**
 * The JSON schema of config.json, generated from the settings table, handed
 * to `conf` (ajv) for every write. Reads use values.ts with the same table,
 * because importing conf and compiling the schema costs about 270 ms on every
 * timer-driven poll (measured: import 180 ms, construct 90 ms on Node 20).
 * No `default` keywords: with ajv's useDefaults they would be written into the user's file.
 *
 * conf checks the whole file on every write, so the schema accepts at least
 * what values.ts accepts (a value padded with spaces, an upper-case word, a
 * colour id as a number): else a file the polls read would make every
 * `calsync config set`, the very fix they print, fail.
 */
import type { Schema } from 'conf';
import { LOG_LEVELS } from '../util/log.js';
import { BIRTHDAY_TYPE_NAMES } from './values.js';
import { CONFIG_FILE_KEYS, SETTING_SPECS, type ValueKind } from './spec.js';

/** The config.json document as conf sees it: keys are Settings field names. */
export type ConfigDocument = Record<string, unknown>;
type JsonSchema = Schema<ConfigDocument>[string];

const nonEmptyString: JsonSchema = { type: 'string', minLength: 1, pattern: '\\S' };
/** values.ts parses the URL (trimmed, scheme in any case) before every write; this only keeps the scheme. */
const httpUrl: JsonSchema = { type: 'string', pattern: '^\\s*[Hh][Tt][Tt][Pp][Ss]?:' };

/** A word in any case, as a pattern (JSON schema patterns take no flags). */
function caseless(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');
}

/** Any of `words`, in any case, with white space around: values.ts trims and lower-cases. */
function wordPattern(words: readonly string[]): string {
  return `^\\s*(${words.map(caseless).join('|')})\\s*$`;
}

function schemaFor(kind: ValueKind): JsonSchema {
  switch (kind) {
    case 'string':
      return nonEmptyString;
    case 'address':
      return { type: 'string', pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' };
    case 'list':
      return { type: 'array', items: nonEmptyString };
    case 'url':
    case 'googleUrl':
    case 'webhookUrl':
      return httpUrl;
    case 'positiveInteger':
      return { type: 'integer', minimum: 1 };
    case 'nonNegativeInteger':
      return { type: 'integer', minimum: 0 };
    case 'positiveNumber':
      return { type: 'number', exclusiveMinimum: 0 };
    case 'logLevel':
      return { enum: [...LOG_LEVELS] };
    case 'gmailOriginal':
      return { enum: ['keep', 'delete'] };
    case 'organizedEvents':
      return { enum: ['invite', 'mirror'] };
    case 'birthdayTypes':
      return { type: 'array', items: { type: 'string', pattern: wordPattern(BIRTHDAY_TYPE_NAMES) } };
    case 'privateEvents':
      return { enum: ['busy', 'skip', 'full'] };
    case 'calendarDetails':
      return { type: 'object', additionalProperties: { enum: ['full', 'busy'] } };
    case 'colorMap':
      return {
        type: 'object',
        additionalProperties: {
          anyOf: [
            { type: 'integer', minimum: 1, maximum: 11 },
            { type: 'string', pattern: '^\\s*([1-9]|1[01])\\s*$' },
          ],
        },
      };
    case 'regexList':
      // Each compiles: checked by values.ts before any write.
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'boolean':
      return { type: 'boolean' };
    case 'domainList':
      // Empty items are dropped by values.ts.
      return {
        type: 'array',
        items: { type: 'string', pattern: '^\\s*(@?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)?\\s*$' },
      };
    case 'serviceAccountKey':
      // A secret: never in config.json (CONFIG_FILE_KEYS leaves it out); here for completeness.
      return nonEmptyString;
    case 'accountMap':
      return {
        type: 'object',
        additionalProperties: { type: 'string', pattern: '^\\s*[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,199}\\s*$' },
      };
  }
}

/** conf's `schema` option: one property schema per config.json key. */
export function configPropertySchemas(): Schema<ConfigDocument> {
  return Object.fromEntries(CONFIG_FILE_KEYS.map((key) => [key, schemaFor(SETTING_SPECS[key].kind)]));
}

/** conf's `rootSchema` option: unknown keys (typos, secrets) are errors, not ignored. */
export const CONFIG_ROOT_SCHEMA = { additionalProperties: false } as const;
