import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { openState, writeFileAtomic } from '../state/index.js';
import type { HealthState } from '../state/types.js';

/**
 * Where health-check remembers the status it last saw and mailed about.
 * Normally `state.health`; while state.json cannot be read (wrong owner, a
 * newer calsync) a small file of its own, so that this, the one problem no
 * poll can repair, is still mailed once, and its recovery too. The first
 * check that can read the state again takes the file's memory over and
 * removes it.
 */
export interface HealthMemory {
  read(): Promise<HealthState | undefined>;
  write(health: HealthState): Promise<void>;
}

export function fallbackHealthPath(configDir: string): string {
  return join(configDir, 'health.json');
}

/** The fallback file's memory; undefined when there is none (or it is not a health record). */
export async function readFallbackHealth(configDir: string): Promise<HealthState | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(fallbackHealthPath(configDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { status, since, alertedStatus } = raw as Record<string, unknown>;
  const statuses = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'];
  if (typeof status !== 'string' || !statuses.includes(status) || typeof since !== 'string') return undefined;
  return {
    status: status as HealthState['status'],
    since,
    ...(typeof alertedStatus === 'string' && statuses.includes(alertedStatus)
      ? { alertedStatus: alertedStatus as HealthState['status'] }
      : {}),
  };
}

/** The memory while state.json cannot be read. */
export function fallbackMemory(configDir: string): HealthMemory {
  return {
    read: () => readFallbackHealth(configDir),
    write: (health) => writeFileAtomic(fallbackHealthPath(configDir), JSON.stringify(health)),
  };
}

/**
 * `state.health`, taking over a fallback file left from when the state could
 * not be read (it is the newer memory): written into the state, then removed.
 * Call inside the state lock.
 */
export async function stateMemory(configDir: string): Promise<HealthMemory> {
  const store = await openState(configDir);
  const fallback = await readFallbackHealth(configDir);
  // One that does not parse is removed too: the state is the memory again.
  const leftOver = fallbackLeftOver(configDir);
  return {
    read: () => Promise.resolve(fallback ?? store.state.health),
    write: async (health) => {
      store.state.health = health;
      await store.save();
      if (leftOver) await unlink(fallbackHealthPath(configDir)).catch(() => undefined);
    },
  };
}

/** Whether a fallback file is there to be taken over (parsed or not). */
export function fallbackLeftOver(configDir: string): boolean {
  return existsSync(fallbackHealthPath(configDir));
}
