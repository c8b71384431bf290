import { UsageError } from '../errors.js';

const UNIT_MS = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

function isUnit(text: string): text is keyof typeof UNIT_MS {
  return Object.hasOwn(UNIT_MS, text);
}

/** "12h", "30d", "2w", "90m", "45s" → milliseconds. Zero is allowed ("clean --older-than 0d"). */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([a-z])$/i.exec(text.trim());
  const amount = match?.[1];
  const unit = match?.[2]?.toLowerCase();
  if (amount === undefined || unit === undefined || !isUnit(unit)) {
    throw new UsageError(`invalid duration "${text}"`, {
      hint: 'use a whole number and a unit: s, m, h, d or w (e.g. 30d, 12h, 90m)',
    });
  }
  const ms = Number(amount) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) throw new UsageError(`duration "${text}" is too long`);
  return ms;
}
