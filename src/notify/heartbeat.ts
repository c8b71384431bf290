/**
 * Heartbeats: a dead man's switch outside this host. The poll reports start,
 * success and failure; a monitor that stops hearing from us alerts on its own,
 * which catches what no local check can (the host or its timers are down).
 */
export interface Heartbeat {
  /** A run begins (healthchecks.io measures the duration from here). */
  start(): Promise<void>;
  /** A run ended well; `durationMs` is reported where the monitor takes it. */
  success(message: string, durationMs: number): Promise<void>;
  /** A run failed; the message says why. */
  failure(message: string): Promise<void>;
}

/** The heartbeat when no monitor is configured. */
export const noHeartbeat: Heartbeat = {
  start: () => Promise.resolve(),
  success: () => Promise.resolve(),
  failure: () => Promise.resolve(),
};

/** Tells every monitor at once; each adapter already swallows its own failures. */
export function compositeHeartbeat(parts: readonly Heartbeat[]): Heartbeat {
  if (parts.length === 0) return noHeartbeat;
  if (parts.length === 1 && parts[0]) return parts[0];
  return {
    start: async () => {
      await Promise.all(parts.map((p) => p.start()));
    },
    success: async (message, durationMs) => {
      await Promise.all(parts.map((p) => p.success(message, durationMs)));
    },
    failure: async (message) => {
      await Promise.all(parts.map((p) => p.failure(message)));
    },
  };
}
