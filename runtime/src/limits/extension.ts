import type { LimitsConfig } from '../config/limits';
import { PODTAIL_METRICS } from '../config/metric-names';
import type { PodtailContext, PodtailExtension } from '../pipeline/extension';
import type { PodtailRecord, RecordOrigin, RecordProcessor } from '../pipeline/record';
import { counterIn } from '../attribution/registry-metrics';
import { ATTR } from '../attribution/semconv';
import { TokenBucket } from './token-bucket';

interface Buckets {
  readonly records: TokenBucket;
  readonly bytes: TokenBucket;
}

interface Dropped {
  records: number;
  bytes: number;
  since: number;
}

/** Bytes a record costs against the byte bucket: its body as exported. */
export function recordBytes(record: PodtailRecord): number {
  return typeof record.body === 'string'
    ? Buffer.byteLength(record.body)
    : Buffer.byteLength(JSON.stringify(record.body));
}

const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/**
 * Egress limits: a records/s and a bytes/s token bucket (with burst) per namespace, per
 * namespace overrides, buckets in an LRU capped at `maxBuckets` (`rate_limit_cardinality`
 * past it). A record over either limit is dropped on purpose: its cursor still moves, the
 * drop is counted per namespace (`podtail_records_dropped_total{reason="egress_limit"}` and the
 * `backpressure_drop` failure kind), and every `summaryIntervalMs` a summary record per
 * namespace that dropped says how many records and bytes were dropped.
 */
export class LimitsExtension implements PodtailExtension {
  readonly name = 'limits';
  readonly processors: readonly RecordProcessor[];
  private readonly buckets = new Map<string, Buckets>();
  private readonly dropped = new Map<string, Dropped>();
  private timer?: NodeJS.Timeout;
  private readonly droppedCounter;

  constructor(
    private readonly ctx: PodtailContext,
    private readonly cfg: LimitsConfig = ctx.config.limits,
    private readonly now: () => number = Date.now,
  ) {
    this.droppedCounter = counterIn(
      ctx.registry,
      PODTAIL_METRICS.recordsDropped,
      'Records dropped on purpose (egress limit, over-size), by namespace and reason',
      ['namespace', 'reason'],
    );
    this.processors = [
      { name: 'limits', keepsResource: true, keepsAttributes: true, process: (r, o) => this.process(r, o) },
    ];
  }

  get bucketCount(): number {
    return this.buckets.size;
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => this.summarize(), this.cfg.summaryIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.summarize();
  }

  process(record: PodtailRecord, origin: RecordOrigin): PodtailRecord | null {
    const ns = origin.namespace;
    const now = this.now();
    const b = this.bucketsFor(ns, now);
    const bytes = recordBytes(record);
    if (b.records.has(1, now) && b.bytes.has(bytes, now)) {
      b.records.take(1);
      b.bytes.take(bytes);
      return record;
    }
    let d = this.dropped.get(ns);
    if (!d) {
      d = { records: 0, bytes: 0, since: now };
      this.dropped.set(ns, d);
    }
    d.records++;
    d.bytes += bytes;
    this.droppedCounter.inc({ namespace: ns, reason: 'egress_limit' });
    this.ctx.failure('backpressure_drop');
    return null;
  }

  /** Emits one summary record per namespace that dropped since the last summary. */
  summarize(): void {
    const now = this.now();
    for (const [ns, d] of this.dropped) {
      const t = nanos(now);
      this.ctx.emitter.emit({
        timeUnixNano: t,
        observedTimeUnixNano: t,
        severityText: 'WARN',
        severityNumber: 13,
        body: `podtail dropped ${d.records} records (${d.bytes} bytes) from namespace ${ns} over its egress limit in the last ${Math.max(0, Math.round((now - d.since) / 1000))} s`,
        attributes: {
          'event.name': 'podtail.egress_limit.drop',
          'podtail.drop.reason': 'egress_limit',
          'podtail.dropped.records': d.records,
          'podtail.dropped.bytes': d.bytes,
          'podtail.drop.since_unix_nano': nanos(d.since),
        },
        resource: {
          'service.name': 'podtail',
          [ATTR.namespace]: ns,
          [ATTR.nodeName]: this.ctx.config.nodeName,
        },
      });
    }
    this.dropped.clear();
  }

  private bucketsFor(ns: string, now: number): Buckets {
    let b = this.buckets.get(ns);
    if (b) {
      this.buckets.delete(ns);
      this.buckets.set(ns, b);
      return b;
    }
    if (this.buckets.size >= this.cfg.maxBuckets) {
      const lru = this.buckets.keys().next().value;
      if (lru !== undefined) this.buckets.delete(lru);
      this.ctx.failure('rate_limit_cardinality');
    }
    const o = this.cfg.overrides[ns] ?? {};
    b = {
      records: new TokenBucket(
        o.recordsPerSecond ?? this.cfg.recordsPerSecond,
        o.recordsBurst ?? this.cfg.recordsBurst,
        now,
      ),
      bytes: new TokenBucket(
        o.bytesPerSecond ?? this.cfg.bytesPerSecond,
        o.bytesBurst ?? this.cfg.bytesBurst,
        now,
      ),
    };
    this.buckets.set(ns, b);
    return b;
  }
}

/** The egress-limit extension; `undefined` unless `limits.enabled`. */
export function createLimitsExtension(ctx: PodtailContext): LimitsExtension | undefined {
  return ctx.config.limits.enabled ? new LimitsExtension(ctx) : undefined;
}
