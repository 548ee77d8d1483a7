import { RE2JS } from 're2js';
import type { DataloaderConfig } from '../config/dataloader';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { AttributeValue, PodtailRecord, RecordOrigin, RecordProcessor } from '../pipeline/record';
import { bodyText } from '../attribution/extension';
import { counterIn } from '../attribution/registry-metrics';
import { ATTR } from '../attribution/semconv';
import { Histogram } from './histogram';
import { DATALOADER_METRICS } from './metric-names';

interface Series {
  readonly attributes: Record<string, AttributeValue>;
  readonly startTimeUnixNano: string;
  readonly data: Histogram;
  readonly iter: Histogram;
  readonly ratio: Histogram;
}

type OtlpValue =
  { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
const otlpAttrs = (a: Record<string, AttributeValue>) =>
  Object.entries(a).map(([key, v]): { key: string; value: OtlpValue } => ({
    key,
    value:
      typeof v === 'string'
        ? { stringValue: v }
        : typeof v === 'boolean'
          ? { boolValue: v }
          : Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v },
  }));

const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/**
 * Dataloader metrics: lines matching one of the configured RE2 patterns (named captures
 * `data_time_s`, `iter_time_s`) feed three histograms per (job, rank, namespace, pod,
 * container): data time, iteration time and their per-iteration ratio. They are exported
 * with cumulative temporality through the podtail exporter every `exportIntervalMs` and at
 * stop. The log lines themselves ship unchanged.
 */
export class DataloaderExtension implements PodtailExtension {
  readonly name = 'dataloader';
  readonly processors: readonly RecordProcessor[];
  private readonly patterns: RE2JS[];
  private readonly series = new Map<string, Series>();
  private timer?: NodeJS.Timeout;
  private exporting?: Promise<void>;
  private readonly matched;
  private readonly overflow;
  private dirty = false;

  constructor(
    private readonly ctx: PodtailContext,
    private readonly cfg: DataloaderConfig = ctx.config.dataloader,
    private readonly now: () => number = Date.now,
  ) {
    this.patterns = cfg.patterns.map((p) => RE2JS.compile(p));
    this.matched = counterIn(
      ctx.registry,
      'podtail_dataloader_lines_total',
      'Lines measured as dataloader timings',
      [],
    );
    this.overflow = counterIn(
      ctx.registry,
      'podtail_dataloader_series_overflow_total',
      'Dataloader timing lines not measured because maxSeries was reached',
      [],
    );
    this.processors = [
      {
        name: 'dataloader',
        keepsResource: true,
        keepsAttributes: true,
        process: (r, o) => this.process(r, o),
      },
    ];
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.flush(), this.cfg.exportIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.exporting;
    await this.flush();
  }

  process(record: PodtailRecord, origin: RecordOrigin): PodtailRecord {
    const res = record.resource;
    const rank = res[ATTR.rank];
    const job = res[ATTR.jobId];
    if (this.cfg.trainingOnly && rank === undefined && job === undefined) return record;
    const text = bodyText(record.body);
    if (!text) return record;
    for (const p of this.patterns) {
      const m = p.matcher(text);
      if (!m.find()) continue;
      const data = Number(m.group('data_time_s'));
      const iter = Number(m.group('iter_time_s'));
      if (!Number.isFinite(data) || !Number.isFinite(iter) || data < 0 || iter < 0) return record;
      const attrs: Record<string, AttributeValue> = {
        [ATTR.namespace]: origin.namespace,
        [ATTR.podName]: origin.podName,
        [ATTR.containerName]: origin.containerName,
      };
      if (job !== undefined) attrs[ATTR.jobId] = job;
      if (rank !== undefined) attrs[ATTR.rank] = rank;
      const s = this.seriesFor(attrs);
      if (!s) return record;
      s.data.record(data);
      s.iter.record(iter);
      if (iter > 0) s.ratio.record(data / iter);
      this.matched.inc();
      this.dirty = true;
      return record;
    }
    return record;
  }

  /** Exports every series (cumulative) when anything changed since the last export. */
  flush(): Promise<void> {
    if (this.exporting || !this.dirty || this.series.size === 0) return this.exporting ?? Promise.resolve();
    this.dirty = false;
    const request = this.request();
    this.exporting = this.ctx
      .exportMetrics(request)
      .catch((e: unknown) => {
        this.dirty = true;
        this.ctx.log.warn('dataloader metrics export failed; retried with the next export', {
          error: (e as Error).message,
        });
      })
      .finally(() => {
        this.exporting = undefined;
      });
    return this.exporting;
  }

  /** The OTLP/JSON ExportMetricsServiceRequest for the current state. */
  request(): { resourceMetrics: unknown[] } {
    const time = nanos(this.now());
    const points = (pick: (s: Series) => Histogram) =>
      [...this.series.values()]
        .filter((s) => pick(s).count > 0)
        .map((s) => {
          const h = pick(s);
          return {
            attributes: otlpAttrs(s.attributes),
            startTimeUnixNano: s.startTimeUnixNano,
            timeUnixNano: time,
            count: String(h.count),
            sum: h.sum,
            min: h.min,
            max: h.max,
            bucketCounts: h.bucketCounts.map(String),
            explicitBounds: [...h.bounds],
          };
        });
    const histogram = (name: string, unit: string, description: string, pick: (s: Series) => Histogram) => ({
      name,
      unit,
      description,
      histogram: { aggregationTemporality: 2, dataPoints: points(pick) },
    });
    return {
      resourceMetrics: [
        {
          resource: {
            attributes: otlpAttrs({ 'service.name': 'podtail', [ATTR.nodeName]: this.ctx.config.nodeName }),
          },
          scopeMetrics: [
            {
              scope: { name: 'podtail.dataloader' },
              metrics: [
                histogram(
                  DATALOADER_METRICS.dataTime,
                  's',
                  'Time an iteration waited for data',
                  (s) => s.data,
                ),
                histogram(DATALOADER_METRICS.iterTime, 's', 'Time of a training iteration', (s) => s.iter),
                histogram(
                  DATALOADER_METRICS.ratio,
                  '1',
                  'data_time / iter_time per iteration',
                  (s) => s.ratio,
                ),
              ],
            },
          ],
        },
      ],
    };
  }

  private seriesFor(attrs: Record<string, AttributeValue>): Series | undefined {
    const key = JSON.stringify(attrs);
    let s = this.series.get(key);
    if (s) return s;
    if (this.series.size >= this.cfg.maxSeries) {
      this.overflow.inc();
      return undefined;
    }
    s = {
      attributes: attrs,
      startTimeUnixNano: nanos(this.now()),
      data: new Histogram(this.cfg.timeBuckets),
      iter: new Histogram(this.cfg.timeBuckets),
      ratio: new Histogram(this.cfg.ratioBuckets),
    };
    this.series.set(key, s);
    return s;
  }
}

/** The dataloader extension; `undefined` unless `dataloader.enabled`. */
export function createDataloaderExtension(ctx: PodtailContext): DataloaderExtension | undefined {
  return ctx.config.dataloader.enabled ? new DataloaderExtension(ctx) : undefined;
}
