import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists on this host. EPERM means it exists
 * but belongs to another user: alive. Only ESRCH proves it is gone.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** This boot of the host (Linux); undefined elsewhere. A pid means nothing across boots. */
export function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id') || undefined;
}

/**
 * When a process started, in clock ticks since boot (Linux: field 22 of
 * /proc/<pid>/stat); undefined when unknown. With the pid it names one
 * process: a pid reused by another program has another start.
 */
export function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const rest = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest?.[19];
}
