import type { SettingSource } from './types.js';

/** A setting value found in one place, and what to name when it is wrong. */
export interface FoundValue {
  value: unknown;
  source: SettingSource;
  /** The variable, file or option it came from (used in error messages). */
  origin: string;
}
