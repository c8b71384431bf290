import { Histogram } from 'prom-client';
import type { MetricType } from 'prom-client';

/** A histogram as the state persists it: per-bucket (not cumulative) counts. */
export interface PersistedHistogramData {
  buckets: readonly number[];
  counts: readonly number[];
  sum: number;
  count: number;
}

type Exported = Awaited<ReturnType<Histogram['get']>>;
type ExportedValue = Exported['values'][number];

// prom-client's typings declare a numeric enum its JavaScript never exports;
// at run time the type of a histogram is this string.
const HISTOGRAM_TYPE = 'histogram' as unknown as MetricType;

/**
 * prom-client can only build a histogram by observing values one at a time,
 * which cannot reproduce a persisted sum. This subclass exports the persisted
 * buckets, sum and count as they are, in prom-client's own exposition format.
 */
export class PersistedHistogram extends Histogram {
  private readonly metricName: string;
  private readonly metricHelp: string;
  private readonly data: PersistedHistogramData;

  constructor(config: { name: string; help: string; data: PersistedHistogramData }) {
    super({ name: config.name, help: config.help, buckets: [...config.data.buckets], registers: [] });
    this.metricName = config.name;
    this.metricHelp = config.help;
    this.data = config.data;
  }

  /** The registry prefers this method (untyped in prom-client) when it renders text. */
  getForPromString(): Promise<Exported> {
    return Promise.resolve(this.exported());
  }

  override get(): Promise<Exported> {
    return Promise.resolve(this.exported());
  }

  private exported(): Exported {
    const bucketName = `${this.metricName}_bucket`;
    const values: ExportedValue[] = [];
    let cumulative = 0;
    this.data.buckets.forEach((le, i) => {
      cumulative += this.data.counts[i] ?? 0;
      values.push({ metricName: bucketName, labels: { le }, value: cumulative });
    });
    // +Inf must equal _count; a state whose counts disagree would otherwise fail promtool.
    const count = Math.max(this.data.count, cumulative);
    values.push({ metricName: bucketName, labels: { le: '+Inf' }, value: count });
    values.push({ metricName: `${this.metricName}_sum`, labels: {}, value: this.data.sum });
    values.push({ metricName: `${this.metricName}_count`, labels: {}, value: count });
    return {
      name: this.metricName,
      help: this.metricHelp,
      type: HISTOGRAM_TYPE,
      aggregator: 'sum',
      collect: () => undefined,
      values,
    };
  }
}
