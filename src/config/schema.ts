/**
 * The JSON schema of config.json, generated from the settings table, handed
 * to `conf` (ajv) for every write. Reads use values.ts with the same table,
 * because importing conf and compiling the schema costs about 270 ms on every
 * timer-driven poll (measured: import 180 ms, construct 90 ms on Node 20).
 * No `default` keywords: with ajv's useDefaults they would be written into the user's file.
 */
import type { Schema } from 'conf';
import { LOG_LEVELS } from '../util/log.js';
import { BIRTHDAY_TYPE_NAMES } from './values.js';
import { CONFIG_FILE_KEYS, SETTING_SPECS, type ValueKind } from './spec.js';

/** The config.json document as conf sees it: keys are Settings field names. */
export type ConfigDocument = Record<string, unknown>;
type JsonSchema = Schema<ConfigDocument>[string];

const nonEmptyString: JsonSchema = { type: 'string', minLength: 1, pattern: '\\S' };
const httpUrl: JsonSchema = { type: 'string', format: 'uri', pattern: '^https?://' };

function schemaFor(kind: ValueKind): JsonSchema {
  switch (kind) {
    case 'string':
      return nonEmptyString;
    case 'address':
      return { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$' };
    case 'list':
      return { type: 'array', items: nonEmptyString };
    case 'url':
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
      return { type: 'array', items: { enum: [...BIRTHDAY_TYPE_NAMES] } };
    case 'domainList':
      return { type: 'array', items: { type: 'string', pattern: '^@?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$' } };
    case 'serviceAccountKey':
      // A secret: never in config.json (CONFIG_FILE_KEYS leaves it out); here for completeness.
      return nonEmptyString;
    case 'accountMap':
      return {
        type: 'object',
        additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,199}$' },
      };
  }
}

/** conf's `schema` option: one property schema per config.json key. */
export function configPropertySchemas(): Schema<ConfigDocument> {
  return Object.fromEntries(CONFIG_FILE_KEYS.map((key) => [key, schemaFor(SETTING_SPECS[key].kind)]));
}

/** conf's `rootSchema` option: unknown keys (typos, secrets) are errors, not ignored. */
export const CONFIG_ROOT_SCHEMA = { additionalProperties: false } as const;
