/** Seconds since the epoch of an ISO date-time, or of a bare date (YYYY-MM-DD) at UTC midnight. */
export function epochSeconds(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Milliseconds since the epoch of an ISO date-time, undefined when absent or unreadable. */
export function epochMs(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
