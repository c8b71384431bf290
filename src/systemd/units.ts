import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Every unit calsync ships, in the order they are written and printed. */
export const UNIT_NAMES = [
  'calsync-poll.service',
  'calsync-poll.timer',
  'calsync-clean.service',
  'calsync-clean.timer',
  'calsync-watch.service',
  'calsync-watch.timer',
  'calsync-health.service',
  'calsync-health.timer',
  'calsync-webhook.service',
] as const;

export type UnitName = (typeof UNIT_NAMES)[number];

/** The timers `enable --now` starts; the webhook service is enabled only where a webhook URL is set. */
export const TIMER_NAMES = UNIT_NAMES.filter((n) => n.endsWith('.timer'));

/** The instance template a profile's unit comes from: `calsync-poll.timer` → `calsync-poll@.timer`. */
export function templateName(name: UnitName): string {
  return name.replace(/\.(service|timer)$/, '@.$1');
}

/** A profile's instance: `calsync-poll.timer`, `club` → `calsync-poll@club.timer`. */
export function instanceName(name: UnitName, profile: string): string {
  return name.replace(/\.(service|timer)$/, `@${profile}.$1`);
}

/** The instance templates, in UNIT_NAMES' order. */
export const TEMPLATE_NAMES: readonly string[] = UNIT_NAMES.map(templateName);

/** The templates live in the package's `systemd/` directory (dist/systemd/ → ../../systemd/). */
export function templateDir(): string {
  return fileURLToPath(new URL('../../systemd/', import.meta.url));
}

export async function readTemplate(name: UnitName): Promise<string> {
  return readFile(new URL(`../../systemd/${name}`, import.meta.url), 'utf8');
}
