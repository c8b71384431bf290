/** Scripted faults and the per-user quota: how tests make the emulator misbehave like Google. */
import type { FaultRule } from './types.js';

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export interface RequestFacts {
  method: string;
  /** Path and query, percent-decoded. */
  url: string;
  account: string | undefined;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rules: FaultRule[]): void {
    for (const rule of rules) this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that matches and still applies; it is used up by one. */
  match(req: RequestFacts): FaultRule | undefined {
    for (const active of this.rules) {
      const r = active.rule;
      if (active.remaining <= 0) continue;
      if (r.method !== undefined && r.method.toUpperCase() !== req.method.toUpperCase()) continue;
      if (r.pathIncludes !== undefined && !req.url.includes(r.pathIncludes)) continue;
      if (r.account !== undefined && r.account !== req.account) continue;
      if (r.probability !== undefined && Math.random() >= r.probability) continue;
      active.remaining -= 1;
      return r;
    }
    return undefined;
  }
}

const WINDOW_MS = 60_000;

/**
 * Google's per-user limit in quota units over the last minute (a sliding
 * window), per account. An events.patch costs 3 units, every other request 1
 * (events.patch reference: "each patch request consumes three quota units").
 */
export function quotaUnits(method: string): number {
  return method.toUpperCase() === 'PATCH' ? 3 : 1;
}

export class UserQuota {
  /** Per account: when each unit was spent. */
  private readonly hits = new Map<string, number[]>();

  constructor(private perMinute: number | null) {}

  set(perMinute: number | null): void {
    this.perMinute = perMinute;
    this.hits.clear();
  }

  /** Counts a request of `units`; false when it would go over the limit (then it is not counted). */
  take(account: string, now = Date.now(), units = 1): boolean {
    if (this.perMinute === null) return true;
    const recent = (this.hits.get(account) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length + units > this.perMinute) {
      this.hits.set(account, recent);
      return false;
    }
    for (let i = 0; i < units; i++) recent.push(now);
    this.hits.set(account, recent);
    return true;
  }
}
